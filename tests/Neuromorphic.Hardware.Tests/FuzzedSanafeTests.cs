using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Randomly damaged copies of SANA-FE's example network and of a netlist (seeded) either load or fail with a
/// located <see cref="HardwareModelException"/>; no other exception type escapes.</summary>
public class FuzzedSanafeTests
{
    [Fact]
    public void Mutated_networks_only_raise_located_errors()
    {
        var arch = SanafeArchitectureReader.LoadFile(SanafeTiny.Reference("arch/example_chip.yaml"));
        string original = File.ReadAllText(SanafeTiny.Reference("snn/example_snn.yaml"));
        var rng = new Random(20250601);
        int failures = 0, loaded = 0;
        for (int n = 0; n < 2000; n++)
        {
            string mutant = FuzzedLoaderTests.Mutate(original, rng);
            try
            {
                SanafeNetworkReader.Parse(mutant, "mutant.yaml", arch);
                loaded++;
            }
            catch (HardwareModelException e)
            {
                failures++;
                AssertLocated(e, "mutant.yaml", mutant);
            }
            catch (Exception e)
            {
                Assert.Fail($"mutant {n} threw {e.GetType().Name}: {e.Message}\n---\n{mutant}");
            }
        }
        Assert.True(failures > 1000, $"only {failures} failures, {loaded} loaded");
    }

    [Fact]
    public void Mutated_netlists_only_raise_located_errors_and_build_or_refuse()
    {
        var arch = SanafeArchitectureReader.Parse(Cores.TapsDendriteTests.Arch, "taps_arch.yaml");
        var rng = new Random(20261208);
        int failures = 0, built = 0;
        for (int n = 0; n < 2000; n++)
        {
            string mutant = FuzzedLoaderTests.Mutate(Cores.SanafeNetlistTests.Netlist, rng);
            try
            {
                MappedChip.Build(arch, SanafeNetlistReader.Parse(mutant, "mutant.net", arch), seed: 1);
                built++;
            }
            catch (HardwareModelException e)
            {
                failures++;
                AssertLocated(e, "mutant.net", mutant);
                Assert.DoesNotContain("internal error", e.Message, StringComparison.Ordinal); // a check the reader lacks
            }
            catch (Exception e)
            {
                Assert.Fail($"mutant {n} threw {e.GetType().Name}: {e.Message}\n---\n{mutant}");
            }
        }
        Assert.True(failures > 1000 && built > 50, $"{failures} failures, {built} built");
    }

    private static void AssertLocated(HardwareModelException e, string file, string mutant)
    {
        Assert.Equal(file, e.File);
        Assert.InRange(e.Line, 0, mutant.Split('\n').Length + 1);
        Assert.False(string.IsNullOrEmpty(e.Field));
        Assert.DoesNotContain('\n', e.Message);
    }
}
