namespace Neuromorphic.Cli.Tests;

/// <summary>`spiking cuba` and `spiking wta` write their typed records, which read back whole, and their figures.</summary>
public sealed class SpikingExperimentsTests
{
    [Fact]
    public void Cuba_writes_a_record_that_reads_back_and_its_figures()
    {
        using var tmp = new TempDir();
        var r = Cli.Run("spiking", "cuba", "--seconds", "0.05", "--out", tmp.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        var record = RunDirectory.Read<CubaRunRecord>(tmp.Path, "cuba.json")!;
        Assert.Equal(0.05, record.Seconds);
        // 4,000 neurons firing at a few Hz for 50 ms: hundreds of spikes, each reaching about 2 % of the network.
        Assert.InRange(record.Spikes, 100, 10_000);
        Assert.InRange(record.SynapticEvents, record.Spikes * 40L, record.Spikes * 120L);
        Assert.False(record.AnyNaN);
        Assert.True(File.Exists(tmp.File("cuba-raster.svg")) && File.Exists(tmp.File("cuba-membrane.png")));
    }

    [Fact]
    public void Wta_writes_a_record_that_reads_back()
    {
        using var tmp = new TempDir();
        var r = Cli.Run("spiking", "wta", "--samples", "20", "--limit-test", "5", "--out", tmp.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        var record = RunDirectory.Read<WtaRunRecord>(tmp.Path, "wta.json")!;
        Assert.Equal((20, 5), (record.TrainSamples, record.TestSamples));
        Assert.InRange(record.Accuracy, 0, 1);
        Assert.True(record.InputSpikes > 0);
    }
}
