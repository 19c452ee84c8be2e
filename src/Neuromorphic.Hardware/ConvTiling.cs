namespace Neuromorphic.Hardware;

/// <summary>A convolution's shape, for placing it by tiles: <see cref="InChannels"/> x <see cref="InHeight"/> x
/// <see cref="InWidth"/> inputs in channel-major order (as the layer below sends them), a square
/// <see cref="Kernel"/> at <see cref="Stride"/> over <see cref="Padding"/>, and <see cref="OutChannels"/> output
/// planes. The layer sends <see cref="PooledHeight"/> x <see cref="PooledWidth"/> planes after its pooling (the output
/// planes themselves when it does not pool).</summary>
public sealed record ConvGeometry(int InChannels, int InHeight, int InWidth, int Kernel, int Stride, int Padding, int OutChannels,
    int PooledHeight, int PooledWidth)
{
    public int OutHeight => (InHeight + 2 * Padding - Kernel) / Stride + 1;
    public int OutWidth => (InWidth + 2 * Padding - Kernel) / Stride + 1;
    public long Inputs => (long)InChannels * InHeight * InWidth;
    public long Outputs => (long)OutChannels * PooledHeight * PooledWidth;

    /// <summary>The input rows (or columns) First..Last that output rows from..to-1 read, clipped to the
    /// <paramref name="size"/> inputs: a padded border reads zeros, or reflected rows that are already inside.</summary>
    public (int First, int Last) Reads(int from, int to, int size) =>
        (Math.Max(0, from * Stride - Padding), Math.Min(size - 1, (to - 1) * Stride - Padding + Kernel - 1));

    /// <summary>The input rows (<paramref name="rows"/>) or columns each tile reads when the output rows or columns are
    /// cut into tiles of <paramref name="tile"/>, tile by tile.</summary>
    public (int First, int Last)[] TileReads(int tile, bool rows)
    {
        int outputs = rows ? OutHeight : OutWidth, inputs = rows ? InHeight : InWidth;
        var reads = new (int, int)[(outputs + tile - 1) / tile];
        for (int t = 0; t < reads.Length; t++) reads[t] = Reads(t * tile, Math.Min(outputs, (t + 1) * tile), inputs);
        return reads;
    }

    /// <summary>Axons a neuron's inputs take when it reads <paramref name="channels"/> input channels under its kernel,
    /// <paramref name="axonsPerInput"/> each: its fan-in, or a slice's.</summary>
    public long FanInOf(int channels, int axonsPerInput) => (long)channels * Kernel * Kernel * axonsPerInput;

    /// <summary>Whether a tile's reads are exactly a rectangle of inputs, as <see cref="Reads"/> counts them: every input
    /// row between a tile's first and last is read (the stride does not skip rows) and every padded row falls outside
    /// the input. Other shapes are placed channel after channel.</summary>
    public bool ReadsRectangles => Stride <= Kernel && Padding < Kernel;

    /// <summary>Why this shape cannot describe a layer of <paramref name="neurons"/> neurons sending
    /// <paramref name="outputs"/> outputs, or null when it can.</summary>
    public string? Mismatch(int neurons, int outputs)
    {
        if (InChannels < 1 || InHeight < 1 || InWidth < 1 || Kernel < 1 || Stride < 1 || Padding < 0 || OutChannels < 1
            || PooledHeight < 1 || PooledWidth < 1 || OutHeight < 1 || OutWidth < 1)
            return $"the shape {this} has a size below 1 or a negative padding";
        if ((long)OutChannels * OutHeight * OutWidth != neurons)
            return $"{OutChannels} x {OutHeight} x {OutWidth} output positions, not the layer's {neurons} neurons";
        return Outputs != outputs ? $"{OutChannels} x {PooledHeight} x {PooledWidth} pooled outputs, not the layer's {outputs}" : null;
    }
}

/// <summary>A convolution stored unrolled, placed by tiles of output positions: each core holds
/// <see cref="ChannelsPerCore"/> output channels at a <see cref="TileHeight"/> x <see cref="TileWidth"/> tile of
/// positions, so it reads only the inputs under its tile's receptive field. Cores go tile by tile (row, column),
/// and within a tile channel group by group, so the cores reading the same inputs are neighbours. A layer split
/// over its fan-in has <see cref="Slices"/> input slices of <see cref="InputChannelsPerSlice"/> input channels,
/// laid out alike: input channel c goes to the cores of slice c / <see cref="InputChannelsPerSlice"/>.</summary>
public sealed record ConvTiles(ConvGeometry Geometry, int AxonsPerInput, int Slices, int InputChannelsPerSlice, int ChannelsPerCore,
    int TileHeight, int TileWidth)
{
    public int ChannelGroups => Ceil(Geometry.OutChannels, ChannelsPerCore);
    public int TilesDown => Ceil(Geometry.OutHeight, TileHeight);
    public int TilesAcross => Ceil(Geometry.OutWidth, TileWidth);
    /// <summary>Cores of one slice (of the whole layer when it is not split).</summary>
    public int CoresPerSlice => ChannelGroups * TilesDown * TilesAcross;

    /// <summary>The core (0-based within a slice) holding output neuron (channel, y, x).</summary>
    public int CoreOf(int channel, int y, int x) =>
        ((y / TileHeight) * TilesAcross + x / TileWidth) * ChannelGroups + channel / ChannelsPerCore;

    /// <summary>Neurons of core <paramref name="core"/> (edge tiles and the last channel group may be smaller).</summary>
    public int NeuronsOn(int core)
    {
        var (group, ty, tx) = Position(core);
        return Part(group, ChannelsPerCore, Geometry.OutChannels) * Part(ty, TileHeight, Geometry.OutHeight) * Part(tx, TileWidth, Geometry.OutWidth);
    }

    /// <summary>Input axons core <paramref name="core"/> of slice <paramref name="slice"/> uses: its slice's input
    /// channels at every input position under its tile.</summary>
    public long AxonsOn(int core, int slice)
    {
        var (_, ty, tx) = Position(core);
        var (r0, r1) = RowReads[ty];
        var (c0, c1) = ColumnReads[tx];
        return (long)Part(slice, InputChannelsPerSlice, Geometry.InChannels) * (r1 - r0 + 1) * (c1 - c0 + 1) * AxonsPerInput;
    }

    /// <summary>Axons a neuron of one slice takes: its fan-in when the layer is not split.</summary>
    public long SliceFanIn => Geometry.FanInOf(InputChannelsPerSlice, AxonsPerInput);

    /// <summary>The slice input channel <paramref name="channel"/> belongs to.</summary>
    public int SliceOf(int channel) => channel / InputChannelsPerSlice;

    /// <summary>The cores (0-based within a slice) that read input position (y, x): every channel group of every tile
    /// whose receptive field covers it.</summary>
    public IEnumerable<int> Readers(int y, int x)
    {
        var (rows, columns) = (RowReads, ColumnReads);
        for (int ty = 0; ty < rows.Length; ty++)
        {
            if (y < rows[ty].First || y > rows[ty].Last) continue;
            for (int tx = 0; tx < columns.Length; tx++)
            {
                if (x < columns[tx].First || x > columns[tx].Last) continue;
                for (int group = 0; group < ChannelGroups; group++)
                    yield return (ty * TilesAcross + tx) * ChannelGroups + group;
            }
        }
    }

    /// <summary>The most cores reading one input: every channel group of the most tiles covering one input row and
    /// one input column.</summary>
    public int MaxReaders => ChannelGroups * MostCovering(RowReads, Geometry.InHeight) * MostCovering(ColumnReads, Geometry.InWidth);

    /// <summary>Cores reading one input, averaged over the input positions.</summary>
    public double MeanReaders => ChannelGroups * Covering(RowReads, Geometry.InHeight) * Covering(ColumnReads, Geometry.InWidth);

    private (int First, int Last)[] RowReads => Geometry.TileReads(TileHeight, rows: true);
    private (int First, int Last)[] ColumnReads => Geometry.TileReads(TileWidth, rows: false);

    /// <summary>The output neuron that sends pooled output <paramref name="output"/> (channel-major): the neuron at its
    /// pooling window's place on the output plane. Windows that straddle two cores are sent from that one core.</summary>
    public (int Channel, int Y, int X) Sender(int output)
    {
        var g = Geometry;
        int plane = g.PooledHeight * g.PooledWidth, c = output / plane, at = output % plane;
        return (c, at / g.PooledWidth * g.OutHeight / g.PooledHeight, at % g.PooledWidth * g.OutWidth / g.PooledWidth);
    }

    /// <summary>Input <paramref name="input"/> (channel-major) as (channel, row, column).</summary>
    public (int Channel, int Y, int X) Input(int input)
    {
        int plane = Geometry.InHeight * Geometry.InWidth, at = input % plane;
        return (input / plane, at / Geometry.InWidth, at % Geometry.InWidth);
    }

    /// <summary>The placement-order index (<see cref="PlacementIndex"/>) of the neuron that sends pooled output <paramref name="output"/>.</summary>
    public int SenderIndex(int output)
    {
        var (c, y, x) = Sender(output);
        return PlacementIndex(c, y, x);
    }

    /// <summary>Neuron (channel, y, x)'s index in placement order: the neurons of the tiles before its own (every
    /// tile row above it is full height), of the channel groups before its own on its tile, then its place on its
    /// core (channel, row, column within the tile).</summary>
    public int PlacementIndex(int channel, int y, int x)
    {
        var g = Geometry;
        var (group, ty, tx) = Position(CoreOf(channel, y, x));
        int rows = Part(ty, TileHeight, g.OutHeight), cols = Part(tx, TileWidth, g.OutWidth);
        int tilesBefore = g.OutChannels * (ty * TileHeight * g.OutWidth + rows * tx * TileWidth);
        int inTile = group * ChannelsPerCore * rows * cols;
        return tilesBefore + inTile + ((channel - group * ChannelsPerCore) * rows + (y - ty * TileHeight)) * cols + (x - tx * TileWidth);
    }

    /// <summary>The tiling with the fewest cores, then the fewest cores reading each input (less routing), and the
    /// cores it takes over all <paramref name="slices"/>. A core holds at most <paramref name="neuronCap"/> neurons, and
    /// its input axons (its tile's inputs, plus <paramref name="extraAxonsPerNeuron"/> per neuron held: a dendritic
    /// root's partial sums) stay within <paramref name="fanIn"/>. Where each input is copied to its readers by splitter
    /// neurons (<paramref name="splitters"/>: the neurons of one splitter core, and the cores copying takes for a mean
    /// number of readers), an input's copies (<paramref name="axonsPerInput"/> per reader) must fit one splitter core,
    /// and the splitter cores count with the layer's. The channels are then spread evenly over the channel groups (the
    /// same cores and readers, a lighter busiest core). Null when not even one position fits.</summary>
    public static (ConvTiles Tiles, long Cores)? Choose(ConvGeometry g, int axonsPerInput, int slices, int channelsPerSlice, int neuronCap,
        long fanIn, int extraAxonsPerNeuron, (int Neurons, Func<double, long> Cores)? splitters = null)
    {
        (ConvTiles Tiles, long Cores)? best = null;
        double bestReaders = double.MaxValue;
        long channelAxons = (long)Math.Min(channelsPerSlice, g.InChannels) * axonsPerInput;
        for (int th = 1; th <= g.OutHeight; th++)
        {
            long rows = MostRead(g.TileReads(th, rows: true));
            for (int tw = 1; tw <= g.OutWidth; tw++)
            {
                long axons = channelAxons * rows * MostRead(g.TileReads(tw, rows: false));
                if (axons > fanIn) continue;
                int positions = th * tw;
                long byAxons = extraAxonsPerNeuron == 0 ? long.MaxValue : (fanIn - axons) / ((long)extraAxonsPerNeuron * positions);
                int channels = (int)Math.Min(Math.Min(g.OutChannels, neuronCap / positions), byAxons);
                if (channels < 1) continue;
                var tiles = new ConvTiles(g, axonsPerInput, slices, channelsPerSlice, channels, th, tw);
                long cores = (long)tiles.CoresPerSlice * slices;
                double readers = tiles.MeanReaders;
                if (splitters is { } sp)
                {
                    if ((long)tiles.MaxReaders * axonsPerInput > sp.Neurons) continue;
                    cores += sp.Cores(readers);
                }
                if (best is not { } b || cores < b.Cores || (cores == b.Cores && readers < bestReaders))
                    (best, bestReaders) = ((tiles, cores), readers);
            }
        }
        return best is { } found ? (found.Tiles with { ChannelsPerCore = Ceil(g.OutChannels, found.Tiles.ChannelGroups) }, found.Cores) : null;
    }

    /// <summary>The ways a convolution's fan-in can be cut into slices of whole input channels, fewest slices first:
    /// one slice when <paramref name="mode"/> is none (the fan-in fits a core); otherwise each slice's inputs fit the
    /// chip's <paramref name="fanIn"/> axons per core (a dendritic root also takes a partial sum per other slice; a
    /// relay merge neuron sums them all on its axons).</summary>
    public static IEnumerable<(int Slices, int ChannelsPerSlice)> ChannelSlices(ConvGeometry g, int axonsPerInput, long fanIn, FanInSplit mode)
    {
        if (mode == FanInSplit.None)
        {
            yield return (1, g.InChannels);
            yield break;
        }
        for (int s = 2; s <= g.InChannels; s++)
        {
            int channels = Ceil(g.InChannels, s);
            if (Ceil(g.InChannels, channels) != s) continue; // the same cut as a smaller s
            long width = g.FanInOf(channels, axonsPerInput);
            if (mode == FanInSplit.Dendritic ? width + (s - 1) <= fanIn : width <= fanIn && s <= fanIn)
                yield return (s, channels);
        }
    }

    private (int Group, int TileRow, int TileColumn) Position(int core)
    {
        int tile = core / ChannelGroups;
        return (core % ChannelGroups, tile / TilesAcross, tile % TilesAcross);
    }

    /// <summary>Rows (or columns) read by the tile that reads the most.</summary>
    private static long MostRead((int First, int Last)[] reads) => reads.Max(r => r.Last - r.First + 1);

    /// <summary>Tiles reading one input row, averaged over the <paramref name="inputs"/> rows: the rows each tile reads,
    /// summed, over the input rows.</summary>
    private static double Covering((int First, int Last)[] reads, int inputs) =>
        (double)reads.Sum(r => (long)(r.Last - r.First + 1)) / inputs;

    /// <summary>The most tiles reading one of the <paramref name="inputs"/> rows.</summary>
    private static int MostCovering((int First, int Last)[] reads, int inputs)
    {
        var count = new int[inputs];
        foreach (var (a, b) in reads)
            for (int r = a; r <= b; r++) count[r]++;
        return count.Max();
    }

    /// <summary>Items of part <paramref name="index"/> when <paramref name="total"/> items are cut into parts of <paramref name="size"/>.</summary>
    private static int Part(int index, int size, int total) => Math.Clamp(total - index * size, 0, size);

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
