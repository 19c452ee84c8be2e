namespace Neuromorphic.Spiking.Tests;

public class NeuronDynamicsTests
{
    private static int Run(Population p, int steps, List<long>? spikeSteps = null)
    {
        var buffer = new int[p.Size];
        int total = 0;
        for (int s = 0; s < steps; s++)
        {
            long step = p.StepCount;
            int c = p.Step(buffer);
            total += c;
            if (c > 0) spikeSteps?.Add(step);
        }
        return total;
    }

    [Theory]
    [InlineData(NeuronModel.Lif)]
    [InlineData(NeuronModel.CurrentLif)]
    public void Lif_charging_curve_matches_the_closed_form(NeuronModel model)
    {
        const double dt = 0.1, tau = 20, rest = -65, bias = 10, v0 = -70;
        var p = new Population(1, new NeuronParameters { Model = model, TauMembraneMs = tau, RestMv = rest, BiasMv = bias, ThresholdMv = 100 }, dt);
        p.Membrane[0] = v0;
        double vInf = rest + bias;
        int done = 0;
        foreach (int k in new[] { 1, 7, 50, 200, 1000, 5000 })
        {
            Assert.Equal(0, Run(p, k - done));
            done = k;
            double expected = vInf + (v0 - vInf) * Math.Exp(-k * dt / tau);
            Assert.True(Math.Abs(p.Membrane[0] - expected) < 1e-5, $"step {k}: V={p.Membrane[0]:R}, closed form {expected:R}");
        }
    }

    [Fact]
    public void Integrate_and_fire_rises_linearly_and_delta_input_jumps_V()
    {
        const double dt = 0.5, tau = 10, bias = 2;
        var p = new Population(1, new NeuronParameters { Model = NeuronModel.IntegrateAndFire, TauMembraneMs = tau, ResetMv = 0, BiasMv = bias, ThresholdMv = 1000 }, dt);
        Run(p, 40);
        Assert.Equal(40 * dt * bias / tau, p.Membrane[0], 9);
        p.AddInput(0, 0, 3.5, SynapseChannel.Excitatory);
        Run(p, 1);
        Assert.Equal(41 * dt * bias / tau + 3.5, p.Membrane[0], 9);
    }

    [Fact]
    public void Refractory_period_holds_V_at_reset_for_exactly_its_length()
    {
        const double dt = 0.1;
        // Drive so strong that one free step from reset crosses threshold: spikes are limited by refractoriness only.
        var prm = new NeuronParameters { Model = NeuronModel.Lif, TauMembraneMs = 10, RestMv = -65, ResetMv = -70, ThresholdMv = -50, BiasMv = 10000, RefractoryMs = 2 };
        var p = new Population(1, prm, dt);
        Assert.Equal(20, p.RefractorySteps);
        var buffer = new int[1];
        var spikes = new List<long>();
        var vAfter = new List<double>();
        for (int s = 0; s < 200; s++)
        {
            if (p.Step(buffer) > 0) spikes.Add(s);
            vAfter.Add(p.Membrane[0]);
        }
        Assert.Equal(0, spikes[0]);
        for (int k = 1; k < spikes.Count; k++) Assert.Equal(21, spikes[k] - spikes[k - 1]); // 20 clamped steps + 1 charging step
        for (long s = spikes[0] + 1; s <= spikes[0] + 20; s++) Assert.Equal(-70, vAfter[(int)s]);
    }

    [Theory]
    [InlineData(20.0, 2.0)]
    [InlineData(30.0, 5.0)]
    [InlineData(16.3, 0.0)]
    public void Firing_rate_for_a_constant_current_matches_the_analytic_rate(double bias, double tRef)
    {
        const double dt = 0.1, tau = 20, rest = -65, reset = -65, theta = -50;
        var prm = new NeuronParameters { Model = NeuronModel.CurrentLif, TauMembraneMs = tau, RestMv = rest, ResetMv = reset, ThresholdMv = theta, BiasMv = bias, RefractoryMs = tRef };
        var p = new Population(1, prm, dt);
        var spikes = new List<long>();
        Run(p, 40000, spikes);
        double vInf = rest + bias;
        double charge = tau * Math.Log((vInf - reset) / (vInf - theta));
        double analyticHz = 1000 / (tRef + charge);
        // Discrete time: after the refractory steps, the first step whose end lies beyond the charging time.
        long isiSteps = p.RefractorySteps + (long)Math.Ceiling(charge / dt);
        for (int k = 1; k < spikes.Count; k++) Assert.Equal(isiSteps, spikes[k] - spikes[k - 1]);
        double measuredHz = (spikes.Count - 1) / ((spikes[^1] - spikes[0]) * dt / 1000);
        Assert.True(Math.Abs(measuredHz - analyticHz) / analyticHz < dt / (tRef + charge) + 1e-9,
            $"measured {measuredHz} Hz, analytic {analyticHz} Hz");
    }

    [Fact]
    public void Current_synapse_decays_exactly_and_V_follows_the_alpha_difference_of_exponentials()
    {
        const double dt = 0.1, tauM = 20, tauE = 5, tauI = 10, rest = -65, w = 3, wi = -2;
        var p = new Population(1, new NeuronParameters { Model = NeuronModel.CurrentLif, TauMembraneMs = tauM, TauExcitatoryMs = tauE, TauInhibitoryMs = tauI, RestMv = rest, ThresholdMv = 100 }, dt);
        p.AddInput(0, 0, w, SynapseChannel.Excitatory);
        p.AddInput(0, 0, wi, SynapseChannel.Inhibitory);
        var buffer = new int[1];
        p.Step(buffer); // the input enters the currents at the end of step 0; V is untouched so far
        Assert.Equal(rest, p.Membrane[0], 12);
        Assert.Equal(w, p.ExcitatoryCurrent[0], 12);
        for (int k = 1; k <= 2000; k++)
        {
            p.Step(buffer);
            double t = k * dt;
            Assert.True(Math.Abs(p.ExcitatoryCurrent[0] - w * Math.Exp(-t / tauE)) < 1e-12, $"I_e at step {k}");
            Assert.True(Math.Abs(p.InhibitoryCurrent[0] - wi * Math.Exp(-t / tauI)) < 1e-12, $"I_i at step {k}");
            double expected = rest
                + w * tauE / (tauE - tauM) * (Math.Exp(-t / tauE) - Math.Exp(-t / tauM))
                + wi * tauI / (tauI - tauM) * (Math.Exp(-t / tauI) - Math.Exp(-t / tauM));
            Assert.True(Math.Abs(p.Membrane[0] - expected) < 1e-9, $"V at step {k}: {p.Membrane[0]:R} vs {expected:R}");
        }
    }

    [Fact]
    public void Vector_and_scalar_paths_give_identical_neurons()
    {
        // 15 neurons: 8 take the 512-bit path (where available), then 4 the 256-bit path, 3 the scalar tail; all start alike and must stay alike.
        var prm = new NeuronParameters { Model = NeuronModel.CurrentLif, BiasMv = 40, RefractoryMs = 2, ThetaPlusMv = 0.2, TauThetaMs = 50 };
        var p = new Population(15, prm, 0.1);
        var buffer = new int[15];
        for (int s = 0; s < 3000; s++)
        {
            int c = p.Step(buffer);
            Assert.True(c == 0 || c == 15, $"step {s}: {c} of 15 neurons spiked");
            for (int i = 1; i < 15; i++)
            {
                Assert.Equal(p.Membrane[0], p.Membrane[i]);
                Assert.Equal(p.Theta[0], p.Theta[i]);
            }
        }
        Assert.True(p.SpikeCounts[0] > 10);
    }

    [Fact]
    public void Lateral_inhibition_reaches_every_other_neuron_one_step_later()
    {
        var prm = new NeuronParameters { Model = NeuronModel.Lif, TauMembraneMs = 1e9, RestMv = 0, ResetMv = 0, ThresholdMv = 1, LateralInhibitionMv = 0.25, RefractoryMs = 0 };
        var p = new Population(6, prm, 0.1);
        var buffer = new int[6];
        p.AddInput(0, 2, 5, SynapseChannel.Excitatory);
        Assert.Equal(1, p.Step(buffer));
        Assert.Equal(5, p.LastLateralEvents);
        Assert.Equal(0, p.Membrane[0], 9); // not yet
        p.Step(buffer);
        for (int i = 0; i < 6; i++) Assert.Equal(i == 2 ? 0 : -0.25, p.Membrane[i], 9);
    }
}
