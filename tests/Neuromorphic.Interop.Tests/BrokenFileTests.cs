using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Interop.Tests;

/// <summary>Real graphs cut short or with bytes flipped: always one NirFormatException, never another exception.</summary>
public class BrokenFileTests
{
    [Theory]
    [InlineData("cnn_sinabs.nir")]
    [InlineData("braille_noDelay_bias_zero.nir")]
    public void A_truncated_or_corrupted_graph_is_one_NirFormatException(string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Requires.SharedNir(), "graphs", file));
        string path = Path.Combine(Path.GetTempPath(), $"nir-broken-{Guid.NewGuid():N}.nir");
        var random = new Random(7);
        var failures = new List<string>();
        try
        {
            for (int trial = 0; trial < 200; trial++)
            {
                byte[] broken;
                if (trial % 2 == 0) broken = bytes[..random.Next(0, bytes.Length)];
                else
                {
                    broken = (byte[])bytes.Clone();
                    for (int k = 0; k < 8; k++) broken[random.Next(broken.Length)] ^= (byte)(1 << random.Next(8));
                }
                File.WriteAllBytes(path, broken);
                try
                {
                    NirReader.Read(path);   // a flip in unused bytes may leave a readable graph
                }
                catch (NirFormatException e)
                {
                    if (e.Message.Contains('\n') || !e.Message.StartsWith(path, StringComparison.Ordinal)) failures.Add($"trial {trial}: {e.Message}");
                }
                catch (Exception e)
                {
                    failures.Add($"trial {trial}: {e}");
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
