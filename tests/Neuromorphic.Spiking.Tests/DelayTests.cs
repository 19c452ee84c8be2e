using Neuromorphic.Engine;

namespace Neuromorphic.Spiking.Tests;

public class DelayTests
{
    // A perfect integrator without drive: V changes only when input arrives, so each arrival is visible as a jump.
    private static readonly NeuronParameters Counter = new() { Model = NeuronModel.IntegrateAndFire, ResetMv = 0, ThresholdMv = 1e9, RefractoryMs = 0 };

    private static Dictionary<(long Step, int Neuron), float> Membrane(ActorTrace trace) =>
        trace.Activations.ToDictionary(a => (a.SampleId, a.Neuron), a => a.Value);

    [Fact]
    public async Task A_spike_at_step_t_with_delay_d_arrives_at_t_plus_d_exactly_once()
    {
        const long spikeStep = 3;
        int[] delays = [0, 1, 2, 5, 9];
        var projection = Projection.FromSynapses(1, delays.Length, delays.Select((d, k) => (0, k, (float)(k + 1), d)), SynapseChannel.Excitatory);
        var population = new Population(delays.Length, Counter, 0.1);
        var recorder = new TraceRecorder();
        var trace = recorder.Watch(new TraceSelection("pop", Capacity: 10000));
        var net = new Network(trace: recorder);
        var src = net.Add(new SourceActor("src", SpikeStreams.FromSpikes(20, [(spikeStep, 0)])));
        var pop = net.Add(new PopulationActor("pop", population, [new PopulationInput("in", projection)]));
        net.Connect(src, 0, pop, 0);
        net.MarkOutput(pop, 0);
        var report = await net.RunAsync(1);

        var v = Membrane(trace);
        for (int k = 0; k < delays.Length; k++)
            for (long s = 0; s < 20; s++)
                Assert.Equal(s >= spikeStep + delays[k] ? k + 1 : 0, v[(s, k)]);
        Assert.Equal(delays.Length, report["pop"].Work.SynapticAccumulates);
        Assert.Equal(20 * delays.Length, report["pop"].Work.NeuronUpdates);
    }

    [Fact]
    public async Task Recurrent_projection_delivers_after_its_delay_through_the_one_step_edge()
    {
        // Neuron 0 is kicked over threshold at step 4 by the input; its recurrent synapses reach neuron 1 after
        // 1 step and neuron 2 after 3 steps.
        var prm = new NeuronParameters { Model = NeuronModel.IntegrateAndFire, ResetMv = 0, ThresholdMv = 10, RefractoryMs = 0 };
        var population = new Population(3, prm, 0.1);
        var kick = Projection.OneToOne(3, 20, SynapseChannel.Excitatory, delaySteps: 0);
        var recurrent = Projection.FromSynapses(3, 3, [(0, 1, 1f, 1), (0, 2, 2f, 3)], SynapseChannel.Excitatory);
        var recorder = new TraceRecorder();
        var trace = recorder.Watch(new TraceSelection("pop", Capacity: 10000));
        var net = new Network(trace: recorder);
        var src = net.Add(new SourceActor("src", SpikeStreams.FromSpikes(12, [(4, 0)])));
        var pop = net.Add(new PopulationActor("pop", population, [new PopulationInput("in", kick), new PopulationInput("self", recurrent)]));
        net.Connect(src, 0, pop, 0);
        net.ConnectRecurrent(pop, 0, pop, 1, PopulationActor.EmptyPacket);
        await net.RunAsync(1);

        Assert.Equal([(4L, 0)], trace.Spikes.Select(s => (s.Sequence, s.Neuron)).ToArray());
        var v = Membrane(trace);
        for (long s = 0; s < 12; s++)
        {
            Assert.Equal(s >= 5 ? 1 : 0, v[(s, 1)]);
            Assert.Equal(s >= 7 ? 2 : 0, v[(s, 2)]);
        }
    }

    [Fact]
    public async Task A_recurrent_synapse_without_delay_is_refused()
    {
        var population = new Population(2, Counter, 0.1);
        var recurrent = Projection.OneToOne(2, 1, SynapseChannel.Excitatory, delaySteps: 0);
        var net = new Network();
        var src = net.Add(new SourceActor("src", SpikeStreams.Clock(3)));
        var pop = net.Add(new PopulationActor("pop", population, [new PopulationInput("clock"), new PopulationInput("self", recurrent)]));
        net.Connect(src, 0, pop, 0);
        net.ConnectRecurrent(pop, 0, pop, 1, PopulationActor.EmptyPacket);
        var error = await Assert.ThrowsAsync<ActorFailedException>(() => net.RunAsync(1));
        Assert.Contains("past", error.InnerException!.Message);
    }

    [Fact]
    public void Ring_buffer_growth_keeps_pending_input_at_its_step()
    {
        var p = new Population(1, Counter, 0.1, maxDelaySteps: 2);
        var buffer = new int[1];
        p.Step(buffer);
        p.AddInput(2, 0, 1, SynapseChannel.Excitatory);
        p.EnsureMaxDelay(7);
        p.AddInput(7, 0, 10, SynapseChannel.Excitatory);
        var seen = new List<double>();
        for (int s = 0; s < 9; s++)
        {
            p.Step(buffer);
            seen.Add(p.Membrane[0]);
        }
        Assert.Equal([0, 0, 1, 1, 1, 1, 1, 11, 11], seen);
    }
}
