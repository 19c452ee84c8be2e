namespace Neuromorphic.Hardware.Cores;

/// <summary>Turns a chip file of <c>hardware-models/</c> (docs/hardware-model-format.md) into the core-by-core
/// architecture, so both file formats drive the same simulation. Each core gets the pipeline the chip file's figures
/// describe: a synaptic event costs <c>synaptic_op</c>; every neuron costs <c>neuron_idle</c> each step, and
/// <c>neuron_active</c> in all when it is updated (so the update adds active − idle); a message costs
/// <c>spike_local</c> to send and <c>spike_hop</c> per hop in every direction. The barrier becomes a fixed sync delay,
/// a tick the shortest step, <c>sync: none</c> free-running steps, and the static power is charged over the simulated time.</summary>
public static class ChipModelArchitecture
{
    /// <summary>What this path leaves out of <paramref name="chip"/> that the layer-by-layer mapping (<see cref="Mapper"/>)
    /// models, or null. Core by core, a network converted for a chip whose neuron reaches one axon gets its splitter
    /// neurons (one per destination core and weight sign, <see cref="ChipArchitecture.Splitters"/>) and its synapses forced
    /// to each neuron's values per axon type (a network read from SANA-FE's files runs as written).</summary>
    public static string? Unmodelled(ChipModel chip)
    {
        ArgumentNullException.ThrowIfNull(chip);
        return chip.Limits.NeuronReachesOneAxon
            ? $"core by core, a network converted here (--softhebb, --nir) gets {chip.Name}'s splitter neurons, which copy each output needed on " +
              "several cores or with both weight signs (one per core and sign, a time step later" +
              (chip.Limits.MaxDelay >= 1 ? ", which the synapses a neuron keeps wait too" : "") + "), and its synapses forced to each neuron's value " +
              "per typed axon (--softhebb's with BatchNorm and the inhibition folded in; a --snn network runs as written); --softhebb's layers " +
              "whose inputs the mapper splits over cores relay their partial sums as spikes, through one more layer of neurons."
            : null;
    }

    public static ChipArchitecture From(ChipModel chip)
    {
        ArgumentNullException.ThrowIfNull(chip);
        if (chip.Execution == ExecutionStyle.Dense)
            throw new HardwareModelException(chip.SourceFile, 0, "chip.execution",
                $"{chip.Name} is a dense accelerator: it has no spiking cores to simulate one by one (use simulate --run for it)");
        var e = chip.Energy;
        var l = chip.Latency;
        var hops = new HopCosts(e.SpikeHop, l.SpikeHop, e.SpikeHop, l.SpikeHop, e.SpikeHop, l.SpikeHop, e.SpikeHop, l.SpikeHop);
        var none = new Dictionary<string, AttributeValue>();
        var synapse = new ProcessingUnitSpec("synapse", "current_based", true, false, false, e.SynapticOp, l.SynapticOp,
            null, null, null, null, false, none, 0);
        // Its synapses may wait up to max_delay steps; written as SANA-FE's files it stays an accumulator (a network with
        // delays is not exported: SanafeExport).
        var dendrite = new ProcessingUnitSpec("dendrite", "accumulator", false, true, false, null, null, 0, 0, null, null, false, none, 0)
        {
            MaxDelay = chip.Limits.MaxDelay,
        };
        var lif = new ProcessingUnitSpec("lif", "leaky_integrate_fire", false, false, true, null, null, null, null,
            new SomaCosts(e.NeuronIdle, e.NeuronActive - e.NeuronIdle, 0), new SomaCosts(l.NeuronIdle, l.NeuronActive - l.NeuronIdle, 0),
            false, none, 0);
        var input = new ProcessingUnitSpec("input", "input", false, false, true, null, null, null, null,
            new SomaCosts(0, 0, 0), new SomaCosts(0, 0, 0), false, none, 0);
        var axonIn = new AxonUnitSpec("axon_in", 0, 0, 0);
        var axonOut = new AxonUnitSpec("axon_out", e.SpikeLocal, l.SpikeLocal, 0);

        // Tiles chip by chip (one chip unless the file is a board), each chip's tiles up its columns as in SANA-FE's
        // files: local x = tile / height, y = tile % height, in the chip's block of the board's mesh.
        var layout = chip.Cores;
        int perChip = layout.CoresPerChip, tilesPerChip = (perChip + layout.CoresPerRouter - 1) / layout.CoresPerRouter;
        var tiles = new List<TileSpec>();
        int coreId = 0;
        for (int k = 0; k < layout.Chips; k++)
        {
            var (chipX, chipY) = (k % layout.ChipsX, k / layout.ChipsX);
            var link = chip.Board is { } board ? new ChipLink(chipX, chipY, board.LinkEnergyJ, board.LinkLatencyS) : null;
            for (int t = 0; t < tilesPerChip; t++)
            {
                int here = Math.Min(layout.CoresPerRouter, perChip - t * layout.CoresPerRouter), id = tiles.Count;
                var cores = new List<CoreSpec>();
                for (int c = 0; c < here; c++)
                    cores.Add(new CoreSpec(coreId++, id, c, $"core[{c}]", BufferPosition.BeforeSoma, chip.Limits.Neurons,
                        [axonIn], [synapse], [dendrite], [lif, input], [axonOut], 0));
                tiles.Add(new TileSpec(id, $"tile[{id}]", chipX * layout.ChipWidth + t / layout.ChipHeight,
                    chipY * layout.ChipHeight + t % layout.ChipHeight, hops, cores, 0) { Link = link });
            }
        }
        var sync = chip.Timestep.Sync == SyncModel.Barrier ? SyncTable.Fixed(chip.Timestep.BarrierS) : SyncTable.Fixed(0);
        return new ChipArchitecture(chip.Name, layout.Width, layout.Height, layout.LinkBuffer, sync, tiles, chip.SourceFile)
        {
            StaticPowerW = chip.StaticPowerW,
            BoardBarrierS = chip.Board is { } b ? b.BarrierS : null,
            GenericUnits = true,
            MinimumStepS = chip.Timestep.Sync == SyncModel.Tick ? chip.Timestep.TickS : 0,
            FreeRunning = chip.Timestep.Sync == SyncModel.None,
            Splitters = chip.Limits.NeuronReachesOneAxon ? new SplitterLimits(chip.Limits.Neurons, chip.Limits.FanIn) : null,
            SplitterStepForAll = chip.Limits.NeuronReachesOneAxon && chip.Limits.MaxDelay >= 1,
            GradedPayloadBits = chip.GradedSpikes ? chip.MessageBits : 0,
            AxonsPerCore = chip.Limits.FanIn,
        };
    }
}
