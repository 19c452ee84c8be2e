
namespace Neuromorphic.Spiking.Tests;

/// <summary>Timed runs that print their figures and assert nothing about speed (the machine is shared). Numbers for
/// the docs come from Release: dotnet test -c Release --filter Category=Benchmark --logger "console;verbosity=detailed".</summary>
[Trait("Category", "Benchmark")]
public class BenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void Cuba_one_second()
    {
        var r = SpikingBenchmarks.RunCuba(1.0);
        output.WriteLine(CubaResult.Header);
        output.WriteLine(r.ToString());
        Assert.False(r.AnyNaN);
        Assert.True(r.Spikes > 0);
    }

    [Fact]
    public void Wta_training_throughput()
    {
        var train = TestData.Train(limit: 30);
        foreach (var cfg in new[] { new WtaConfig(), new WtaConfig { DtMs = 0.5 } })
        {
            var r = SpikingBenchmarks.RunWta(train, samples: 20, config: cfg);
            output.WriteLine(WtaBenchResult.Header);
            output.WriteLine(r.ToString());
            Assert.True(r.InputSpikes > 0);
        }
    }
}
