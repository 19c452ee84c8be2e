namespace Neuromorphic.Hardware.Cores;

/// <summary>How long a chip's time step takes. Simple: the busiest core, sending or receiving, plus the barrier.
/// Detailed: every message is scheduled in send order on the mesh, with congestion estimated from the messages in
/// flight along its X-then-Y route and link buffers of a fixed depth, and each receiving core processing its
/// messages one after another; the step ends when the last message is processed, plus the barrier.</summary>
public enum TimingModel
{
    Simple,
    Detailed,
}

/// <summary>One message of one step as the mesh times it. Times are seconds from the start of the step (with a barrier)
/// or from the start of the run (free-running).</summary>
internal struct TimedMessage
{
    public long Id; // -1 for a placeholder (work after a core's last message)
    public int SrcCore, DestCore, Port, Neuron, Synapses, Hops; // Port: the sender's, to DestCore (MappedCore.DestCores)
    public double Generation, Processing, MinHop, Network, Blocking, Sent, Received, Processed, AlongRoute;
    public readonly bool IsPlaceholder => DestCore < 0;
}

/// <summary>The mesh's timing of one step (see <see cref="TimingModel"/>). The detailed model follows SANA-FE's
/// semi-analytical scheduler step for step, including the order in which it breaks ties between messages sent at
/// the same instant, so that its per-step latencies can be compared one to one.</summary>
internal sealed class MeshTiming
{
    internal const int North = 0, East = 1, South = 2, West = 3, Directions = 4;
    /// <summary>In <see cref="Routers"/>: the link between a router and a core on its tile.</summary>
    internal const int Local = -1;
    private readonly int height, linksPerRouter, bufferSize, cores;
    private readonly double[] density;
    // Each core's route to each core it sends to (its ports, MappedCore.DestCores): port p's links, as indices of
    // `density` in the order a message crosses them, are routeLinks[c][routeStart[c][p] .. routeStart[c][p + 1]).
    // Computed once: a route is the same for every message on it.
    private readonly int[][] routeStart, routeLinks;
    private readonly int[][] portHops;
    private readonly double[][] portMinHop;
    private readonly double[] finishedReceiving;
    private readonly Queue<int>[] inFlight; // per receiving core; received times never decrease within one
    private readonly PriorityQueue<int, double> arrivals = new(); // receiving cores with messages in flight, by their first's arrival
    private readonly List<int> due = [];
    private readonly int[] next; // per core: its next message to send
    private int[] heap = new int[16];
    private TimedMessage[] messages = new TimedMessage[1024];
    private int heapCount;
    private double meanReceiveDelay;
    private long messagesInNoc;

    public MeshTiming(MappedChip chip)
    {
        var arch = chip.Architecture;
        height = arch.Height;
        linksPerRouter = Directions + arch.MaxCoresPerTile;
        bufferSize = arch.LinkBufferSize;
        cores = chip.Cores.Length;
        density = new double[arch.Width * arch.Height * linksPerRouter];
        (routeStart, routeLinks) = (new int[cores][], new int[cores][]);
        (portHops, portMinHop) = (new int[cores][], new double[cores][]);
        var links = new List<int>();
        for (int c = 0; c < cores; c++)
        {
            var (source, dests) = (chip.Cores[c], chip.Cores[c].DestCores);
            links.Clear();
            routeStart[c] = new int[dests.Length + 1];
            (portHops[c], portMinHop[c]) = (new int[dests.Length], new double[dests.Length]);
            for (int p = 0; p < dests.Length; p++)
            {
                var (from, to) = (source.Tile, chip.Cores[dests[p]].Tile);
                foreach (var r in Routers(from, to)) links.Add(Link(r.X, r.Y, r.In == Local ? Directions + source.Spec.Offset : r.In));
                routeStart[c][p + 1] = links.Count;
                portHops[c][p] = Math.Abs(from.X - to.X) + Math.Abs(from.Y - to.Y);
                portMinHop[c][p] = MinHop(from, to);
            }
            routeLinks[c] = links.ToArray();
        }
        finishedReceiving = new double[cores];
        inFlight = Enumerable.Range(0, cores).Select(_ => new Queue<int>()).ToArray();
        next = new int[cores];
        Start = new double[cores];
        SendEnd = new double[cores];
        End = new double[cores];
    }

    /// <summary>Per core, when it starts the step's neuron phase: set by the caller, all zero with a barrier.</summary>
    public double[] Start { get; }

    /// <summary>Readies the mesh for a run from the chip's first step.</summary>
    public void Reset() => Array.Clear(Start);

    /// <summary>A buffer for a step's <paramref name="count"/> messages, reused step after step and run after run.</summary>
    public TimedMessage[] Messages(int count)
    {
        if (messages.Length < count) messages = new TimedMessage[Math.Max(count, messages.Length * 2)];
        return messages;
    }

    /// <summary>Per core, filled by <see cref="Schedule"/>: when its neuron work and its last send end.</summary>
    public double[] SendEnd { get; }

    /// <summary>Per core, filled by <see cref="Schedule"/>: when it has also processed every message it received.</summary>
    public double[] End { get; }

    /// <summary>The shortest a message from <paramref name="from"/> to <paramref name="to"/> can take: X hops at the
    /// source tile's east/west latency, Y hops at its north/south latency, and on a board each chip-to-chip link at the
    /// source's link latency.</summary>
    public static double MinHop(TileSpec from, TileSpec to) =>
        Math.Abs(from.X - to.X) * (from.X < to.X ? from.Hops.LatencyEast : from.Hops.LatencyWest)
        + Math.Abs(from.Y - to.Y) * (from.Y < to.Y ? from.Hops.LatencyNorth : from.Hops.LatencySouth)
        + from.Crossings(to) * (from.Link?.Latency ?? 0);

    /// <summary>Hops of core <paramref name="core"/>'s route out of port <paramref name="port"/>, and the shortest time a
    /// message takes on it (<see cref="MinHop"/>).</summary>
    public (int Hops, double MinHop) Route(int core, int port) => (portHops[core][port], portMinHop[core][port]);

    /// <summary>Times one step. <paramref name="messages"/> holds every core's messages, cores in order, each core's
    /// in send order; <paramref name="coreStart"/>[c]..[c+1] is core c's range. Core c sends from
    /// <see cref="Start"/>[c] on and processes what it receives no earlier. Fills <see cref="SendEnd"/> and
    /// <see cref="End"/>; returns the latest end (with all starts zero, the step's latency without the barrier).</summary>
    public double Schedule(TimingModel model, TimedMessage[] messages, int[] coreStart)
    {
        if (model == TimingModel.Simple) Simple(messages, coreStart);
        else Detailed(messages, coreStart);
        return cores == 0 ? 0 : End.Max();
    }

    // Each core's sends one after another, and its receptions one after another, both from its start; when a message
    // arrives is not considered.
    private void Simple(TimedMessage[] messages, int[] coreStart)
    {
        Array.Copy(Start, SendEnd, cores);
        Array.Copy(Start, End, cores); // the receiving sums, until the last line
        for (int c = 0; c < cores; c++)
        {
            for (int i = coreStart[c]; i < coreStart[c + 1]; i++)
            {
                ref var m = ref messages[i];
                SendEnd[c] += m.Generation;
                if (!m.IsPlaceholder) End[m.DestCore] += m.Processing;
                m.Blocking = 0;
                m.Network = m.MinHop;
            }
        }
        for (int c = 0; c < cores; c++) End[c] = Math.Max(End[c], SendEnd[c]);
    }

    private void Detailed(TimedMessage[] messages, int[] coreStart)
    {
        Array.Clear(density);
        Array.Copy(Start, finishedReceiving, cores);
        foreach (var q in inFlight) q.Clear();
        arrivals.Clear();
        meanReceiveDelay = 0;
        messagesInNoc = 0;
        heapCount = 0;
        if (heap.Length < cores) heap = new int[cores];
        for (int c = 0; c < cores; c++)
        {
            next[c] = coreStart[c];
            if (next[c] == coreStart[c + 1]) continue;
            int first = next[c]++;
            messages[first].Sent = Start[c] + messages[first].Generation;
            Push(messages, first);
        }
        while (heapCount > 0)
        {
            int i = Pop(messages);
            ref var m = ref messages[i];
            Retire(messages, m.Sent);
            if (!m.IsPlaceholder) Send(messages, i);
            int c = m.SrcCore;
            if (next[c] < coreStart[c + 1])
            {
                int j = next[c]++;
                messages[j].Sent = m.Sent + messages[j].Generation;
                Push(messages, j);
            }
        }
        // A core's sends leave in order, so its last entry (after any blocking) is its last send.
        for (int c = 0; c < cores; c++)
        {
            SendEnd[c] = coreStart[c] == coreStart[c + 1] ? Start[c] : messages[coreStart[c + 1] - 1].Sent;
            End[c] = Math.Max(SendEnd[c], finishedReceiving[c]);
        }
    }

    private void Send(TimedMessage[] messages, int i)
    {
        ref var m = ref messages[i];
        m.AlongRoute = WalkRoute(in m, 1.0 / (2.0 + m.Hops)); // the message joins its route's links; the density before it did
        double capacity = (m.Hops + 1.0) * bufferSize;
        if (m.AlongRoute > capacity)
        {
            m.Blocking = (m.AlongRoute - capacity) * meanReceiveDelay;
            m.Sent += m.Blocking;
        }
        else
        {
            m.Blocking = 0;
        }
        double congestion = m.AlongRoute * meanReceiveDelay / (m.Hops + 1.0);
        m.Network = Math.Max(m.MinHop, congestion);
        double earliest = m.Sent + m.Network;
        int dest = m.DestCore;
        m.Received = Math.Max(finishedReceiving[dest], earliest);
        finishedReceiving[dest] = Math.Max(finishedReceiving[dest] + m.Processing, earliest + m.Processing);
        m.Processed = finishedReceiving[dest];
        if (inFlight[dest].Count == 0) arrivals.Enqueue(dest, m.Received);
        inFlight[dest].Enqueue(i);
        meanReceiveDelay += (m.Processing - meanReceiveDelay) / (messagesInNoc + 1.0);
        messagesInNoc++;
    }

    // Messages that have reached their destination by time t leave the mesh, receiving cores in order (the order
    // matters: each leaving changes the mean receive delay).
    private void Retire(TimedMessage[] messages, double t)
    {
        due.Clear();
        while (arrivals.TryPeek(out _, out double first) && first <= t) due.Add(arrivals.Dequeue());
        if (due.Count > 1) due.Sort();
        foreach (int c in due)
        {
            var q = inFlight[c];
            while (q.Count > 0 && t >= messages[q.Peek()].Received) Leave(in messages[q.Dequeue()]);
            if (q.Count > 0) arrivals.Enqueue(c, messages[q.Peek()].Received);
        }
    }

    // A message that has arrived leaves its route's links and the mean of the messages in flight.
    private void Leave(in TimedMessage m)
    {
        WalkRoute(in m, -1.0 / (2.0 + m.Hops));
        meanReceiveDelay = messagesInNoc > 1 ? meanReceiveDelay + (meanReceiveDelay - m.Processing) / (messagesInNoc - 1.0) : 0;
        messagesInNoc--;
    }

    /// <summary>Adds <paramref name="add"/> to the message density of each link on a message's route; returns the density
    /// summed along the route before the addition.</summary>
    private double WalkRoute(in TimedMessage m, double add)
    {
        var (links, start) = (routeLinks[m.SrcCore], routeStart[m.SrcCore]);
        double sum = 0;
        for (int k = start[m.Port]; k < start[m.Port + 1]; k++)
        {
            ref double link = ref density[links[k]];
            sum += link;
            link += add;
        }
        return sum;
    }

    /// <summary>The routers of an X-then-Y route from one tile to another, in order, each with the link a message comes in
    /// by and the one it leaves by: a direction, or <see cref="Local"/> for the core at either end. The density of a
    /// route's links is kept by each router's incoming link; the routers' load (<see cref="MeshActor.Routers"/>) by its
    /// outgoing one.</summary>
    internal static IEnumerable<(int X, int Y, int In, int Out)> Routers(TileSpec from, TileSpec to)
    {
        int xStep = from.X < to.X ? 1 : -1, yStep = from.Y < to.Y ? 1 : -1;
        int xDirection = xStep > 0 ? East : West, yDirection = yStep > 0 ? North : South;
        int arrivedBy = Local;
        for (int x = from.X; x != to.X; x += xStep, arrivedBy = xDirection) yield return (x, from.Y, arrivedBy, xDirection);
        for (int y = from.Y; y != to.Y; y += yStep, arrivedBy = yDirection) yield return (to.X, y, arrivedBy, yDirection);
        yield return (to.X, to.Y, arrivedBy, Local);
    }

    private int Link(int x, int y, int link) => (x * height + y) * linksPerRouter + link;

    // A binary max-heap ordered by "sent earlier", with the sift rules of the C++ standard library's priority_queue,
    // so that messages sent at the same instant leave in the same order as in SANA-FE.
    private static bool Before(TimedMessage[] m, int a, int b) => m[a].Sent > m[b].Sent; // a ranks below b

    private void Push(TimedMessage[] m, int item) => SiftUp(m, heapCount++, 0, item); // at most one entry per core

    private void SiftUp(TimedMessage[] m, int hole, int top, int item)
    {
        int parent = (hole - 1) / 2;
        while (hole > top && Before(m, heap[parent], item))
        {
            heap[hole] = heap[parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        heap[hole] = item;
    }

    private int Pop(TimedMessage[] m)
    {
        int top = heap[0];
        int lastIndex = --heapCount;
        if (lastIndex > 0) AdjustDown(m, lastIndex, heap[lastIndex]);
        return top;
    }

    // Moves the hole at the root down to a leaf along the larger children, then sifts the item up from there.
    private void AdjustDown(TimedMessage[] m, int length, int item)
    {
        int hole = 0, child = 0;
        while (child < (length - 1) / 2)
        {
            child = 2 * (child + 1);
            if (Before(m, heap[child], heap[child - 1])) child--;
            heap[hole] = heap[child];
            hole = child;
        }
        if ((length & 1) == 0 && child == (length - 2) / 2)
        {
            child = 2 * (child + 1);
            heap[hole] = heap[child - 1];
            hole = child - 1;
        }
        SiftUp(m, hole, 0, item);
    }
}
