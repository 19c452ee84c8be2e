namespace Neuromorphic.Spiking.Tests;

public class NeuronDynamicsTests
{
    /// <summary>The spacing of float32 values at <paramref name="x"/> (the state is single precision).</summary>
    private static double Ulp(double x) => MathF.BitIncrement((float)Math.Abs(x)) - (float)Math.Abs(x);

    /// <summary>float32 machine epsilon, 2^-23: the largest relative error of one rounding is half of it.</summary>
    private const double Epsilon = 1.0 / (1 << 23);

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
        p.Membrane[0] = (float)v0;
        double vInf = rest + bias;
        // float32 state: each step moves V by (1 − A)(V∞ − V) and rounds the sum to the float grid, an error of at most
        // half an ulp of V that the leak then shrinks by A per step; so V stays within ulp(|V|)/(2(1 − A)) of the closed
        // form (and stalls there once a step is smaller than half an ulp): 7.6e-4 mV for |V| ≤ 70 mV and 1 − A = 0.005,
        // against the 15 mV the curve travels.
        double tolerance = Ulp(70) / (2 * (1 - Math.Exp(-dt / tau)));
        int done = 0;
        foreach (int k in new[] { 1, 7, 50, 200, 1000, 5000 })
        {
            Assert.Equal(0, Run(p, k - done));
            done = k;
            double expected = vInf + (v0 - vInf) * Math.Exp(-k * dt / tau);
            Assert.True(Math.Abs(p.Membrane[0] - expected) < tolerance, $"step {k}: V={p.Membrane[0]:R}, closed form {expected:R}");
        }
    }

    [Fact]
    public void Integrate_and_fire_rises_linearly_and_delta_input_jumps_V()
    {
        const double dt = 0.5, tau = 10, bias = 2;
        var p = new Population(1, new NeuronParameters { Model = NeuronModel.IntegrateAndFire, TauMembraneMs = tau, ResetMv = 0, BiasMv = bias, ThresholdMv = 1000 }, dt);
        Run(p, 40);
        // float32 state: 40 additions of dt·Bias/τm = 0.1 (itself rounded to float) each round to half an ulp of V ≤ 4.
        double tolerance = 40 * (Ulp(4) / 2 + Ulp(0.1) / 2);
        Assert.Equal(40 * dt * bias / tau, p.Membrane[0], tolerance);
        p.AddInput(0, 0, 3.5f, SynapseChannel.Excitatory);
        Run(p, 1);
        Assert.Equal(41 * dt * bias / tau + 3.5, p.Membrane[0], tolerance + Ulp(8));
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
        p.AddInput(0, 0, (float)w, SynapseChannel.Excitatory);
        p.AddInput(0, 0, (float)wi, SynapseChannel.Inhibitory);
        var buffer = new int[1];
        p.Step(buffer); // the input enters the currents at the end of step 0; V is untouched so far
        Assert.Equal(rest, p.Membrane[0], 12);
        Assert.Equal(w, p.ExcitatoryCurrent[0], 12);
        // float32 state. A current is multiplied by its (rounded) decay factor once per step: each step adds at most
        // one float epsilon of relative error (half from the factor, half from the product), so after k steps the
        // relative error is at most k·2^-23. V: each step rounds to half an ulp of V (|V| ≤ 66 mV) and the leak shrinks
        // older errors by A, so they add up to at most ulp/(2(1 − A)); the currents' errors reach V through the gains.
        double ke = Propagators.CurrentGain(tauM, tauE, dt), ki = Propagators.CurrentGain(tauM, tauI, dt);
        double leak = 1 - Math.Exp(-dt / tauM);
        for (int k = 1; k <= 2000; k++)
        {
            p.Step(buffer);
            double t = k * dt;
            double e = w * Math.Exp(-t / tauE), i = wi * Math.Exp(-t / tauI);
            double relative = k * Epsilon;
            Assert.True(Math.Abs(p.ExcitatoryCurrent[0] - e) <= relative * Math.Abs(e), $"I_e at step {k}: {p.ExcitatoryCurrent[0]:R} vs {e:R}");
            Assert.True(Math.Abs(p.InhibitoryCurrent[0] - i) <= relative * Math.Abs(i), $"I_i at step {k}: {p.InhibitoryCurrent[0]:R} vs {i:R}");
            double expected = rest
                + w * tauE / (tauE - tauM) * (Math.Exp(-t / tauE) - Math.Exp(-t / tauM))
                + wi * tauI / (tauI - tauM) * (Math.Exp(-t / tauI) - Math.Exp(-t / tauM));
            double tolerance = (Ulp(66) / 2 + relative * (ke * Math.Abs(w) + ki * Math.Abs(wi))) / leak;
            Assert.True(Math.Abs(p.Membrane[0] - expected) < tolerance, $"V at step {k}: {p.Membrane[0]:R} vs {expected:R}");
        }
    }

    [Theory]
    [InlineData(NeuronModel.CurrentLif, 0.2)]
    [InlineData(NeuronModel.CurrentLif, 0.0)]
    [InlineData(NeuronModel.Lif, 0.2)]
    [InlineData(NeuronModel.Lif, 0.0)]
    [InlineData(NeuronModel.IntegrateAndFire, 0.2)]
    [InlineData(NeuronModel.IntegrateAndFire, 0.0)]
    public void Vector_and_scalar_paths_give_identical_neurons(NeuronModel model, double thetaPlus)
    {
        // 19 neurons: 16 take the 512-bit path (where available), 3 the scalar tail; all start alike and must stay alike.
        // Every model, with and without an adaptive threshold, with input on both channels.
        var prm = new NeuronParameters { Model = model, BiasMv = 40, RefractoryMs = 2, ThetaPlusMv = thetaPlus, TauThetaMs = 50 };
        var p = new Population(19, prm, 0.1);
        var buffer = new int[19];
        for (int s = 0; s < 3000; s++)
        {
            // The same synaptic input for every neuron, on both channels, so the input and current paths are compared too.
            for (int i = 0; i < 19; i++)
            {
                if (s % 7 == 0) p.AddInput(0, i, 1.5f, SynapseChannel.Excitatory);
                if (s % 11 == 0) p.AddInput(0, i, -0.7f, SynapseChannel.Inhibitory);
            }
            int c = p.Step(buffer);
            Assert.True(c == 0 || c == 19, $"step {s}: {c} of 19 neurons spiked");
            for (int i = 1; i < 19; i++)
            {
                Assert.Equal(p.Membrane[0], p.Membrane[i]);
                Assert.Equal(p.ExcitatoryCurrent[0], p.ExcitatoryCurrent[i]);
                Assert.Equal(p.InhibitoryCurrent[0], p.InhibitoryCurrent[i]);
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
