using Neuromorphic.Engine;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>The supervised linear read-out as the last actor of an inference pipeline: features in, class scores out.</summary>
public sealed class ReadoutActor : Actor
{
    readonly LinearReadout _readout;

    public ReadoutActor(string name, LinearReadout readout, int[] inputSampleShape)
        : base(name, [new PortSpec("in", inputSampleShape)], [new PortSpec("out", [readout.Classes])])
    {
        _readout = readout;
    }

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        var block = (DenseBlock)joined[0].Payload;
        int batch = block.BatchSize;
        var logits = new float[batch * _readout.Classes];
        _readout.Logits(block.Data, batch, logits);
        long nonZero = 0;
        foreach (float v in block.Data) if (v != 0) nonZero++;
        ctx.Count(new WorkCounts(
            DenseMacs: (long)batch * _readout.Features * _readout.Classes,
            NeuronUpdates: (long)batch * _readout.Classes,
            NonZeroActivations: nonZero));
        ctx.Emit(0, new DenseBlock(logits, [batch, _readout.Classes], block.SampleIds));
    }
}
