using System.Runtime.CompilerServices;

namespace Neuromorphic.Engine;

/// <summary>A first-in first-out ring of events: an input port's events that have arrived but not yet been joined.
/// The engine's own type rather than <see cref="Queue{T}"/> because it sits on the per-event path: its methods are
/// small enough to be inlined into the engine's fully optimised methods, where Queue&lt;Event&gt;, a generic over an
/// engine struct, would run as a separate method left to tiered compilation.</summary>
internal sealed class EventQueue
{
    private Event[] items = new Event[4];
    private int head;

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Event Peek()
    {
        if (Count == 0) throw new InvalidOperationException("The queue is empty.");
        return items[head];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Event Dequeue()
    {
        var ev = Peek();
        items[head] = default; // drop the payload reference
        head = head + 1 == items.Length ? 0 : head + 1;
        Count--;
        return ev;
    }

    public void Enqueue(Event ev)
    {
        if (Count == items.Length) Grow();
        int tail = head + Count;
        if (tail >= items.Length) tail -= items.Length;
        items[tail] = ev;
        Count++;
    }

    private void Grow()
    {
        var larger = new Event[items.Length * 2];
        for (int k = 0; k < Count; k++) larger[k] = items[(head + k) % items.Length];
        items = larger;
        head = 0;
    }
}
