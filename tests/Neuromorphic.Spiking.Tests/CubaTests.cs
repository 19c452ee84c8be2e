using Neuromorphic.Engine;

namespace Neuromorphic.Spiking.Tests;

public class CubaTests(ITestOutputHelper output)
{
    [Fact]
    public void Cuba_runs_with_plausible_rates_and_consistent_counts()
    {
        var result = CubaBenchmark.Run(0.2, seed: 1);
        output.WriteLine(CubaResult.Header);
        output.WriteLine(result.ToString());
        Assert.False(result.AnyNaN);
        Assert.InRange(result.ExcitatoryRateHz, 1, 60);
        Assert.InRange(result.InhibitoryRateHz, 1, 60);
        // Every spike but those of the last step is delivered to its ~80 targets (4000 × 0.02).
        double fanOut = (double)result.SynapticEvents / result.Spikes;
        Assert.InRange(fanOut, 72, 88);
        Assert.InRange(result.Synapses, 4000 * 4000 * 0.02 * 0.97, 4000 * 4000 * 0.02 * 1.03);
    }

    [Fact]
    public async Task Cuba_work_counts_match_the_spikes_delivered()
    {
        var model = CubaBenchmark.Build(0.05, seed: 4);
        var report = await model.Network.RunAsync(4);
        var c = report["cuba"];
        Assert.Equal(model.Steps, c.Blocks);
        Assert.Equal(model.Steps * 4000, c.Work.NeuronUpdates);
        Assert.Equal(model.Population.SpikeCounts.ToArray().Sum(), c.Work.Spikes);
        Assert.True(c.Work.SynapticAccumulates > 0);
    }

    [Fact]
    public void Cuba_parameters_are_the_published_ones()
    {
        var p = new CubaParameters();
        Assert.Equal(1.62, p.ExcitatoryWeightMv, 12);
        Assert.Equal(-9.0, p.InhibitoryWeightMv, 12);
        Assert.Equal(3200, p.ExcitatoryCount);
        Assert.Equal((-49.0, -50.0, -60.0, 5.0, 20.0, 5.0, 10.0), (p.RestMv, p.ThresholdMv, p.ResetMv, p.RefractoryMs, p.TauMembraneMs, p.TauExcitatoryMs, p.TauInhibitoryMs));
    }

    [Fact]
    public async Task Initial_potentials_are_uniform_between_reset_and_threshold()
    {
        var model = CubaBenchmark.Build(0, seed: 9);
        var v = model.Population.Membrane.ToArray();
        Assert.All(v, x => Assert.InRange(x, -60, -50));
        Assert.InRange(v.Average(), -55.3, -54.7);
        await model.Network.RunAsync(1); // zero steps: starts and ends cleanly
    }
}
