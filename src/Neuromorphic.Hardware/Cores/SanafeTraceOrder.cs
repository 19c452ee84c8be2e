namespace Neuromorphic.Hardware.Cores;

/// <summary>The order in which SANA-FE writes one step's messages to messages.csv. It gathers them core by core (each
/// core's in the order sent, its placeholder last) and sorts them by id with the C++ library's std::sort, placeholders
/// (id −1) after the rest. That sort is not stable: the placeholders, equal to each other, end up wherever its
/// partitions leave them. This replays the steps of GCC's std::sort (introsort: median-of-three quicksort down to
/// runs of 16, heapsort past a depth of 2·log2 n, then insertion sort) on the same sequence, so the files are equal
/// line for line, not only once sorted.</summary>
internal static class SanafeTraceOrder
{
    private const int Run = 16; // the quicksort leaves runs this short to the final insertion sort

    /// <summary>Permutes <paramref name="order"/> (indices into <paramref name="ids"/>, −1 for a placeholder) as
    /// std::sort does with SANA-FE's comparison. <paramref name="depthLimit"/> replaces std::sort's 2·floor(log2 n)
    /// (0 sorts by the heapsort alone, which tests compare with std::partial_sort).</summary>
    public static void Sort(Span<int> order, ReadOnlySpan<long> ids, int? depthLimit = null)
    {
        if (order.Length < 2) return;
        var sorter = new Sorter(order, ids);
        sorter.Introsort(0, order.Length, depthLimit ?? 2 * (31 - int.LeadingZeroCount(order.Length)));
        sorter.FinalInsertionSort();
    }

    private readonly ref struct Sorter(Span<int> a, ReadOnlySpan<long> ids)
    {
        private readonly Span<int> a = a;
        private readonly ReadOnlySpan<long> ids = ids;

        // SANA-FE's CompareMessagesByID: by id, placeholders last and equal to each other.
        private bool Less(int x, int y) => ids[y] < 0 ? ids[x] >= 0 : ids[x] >= 0 && ids[x] < ids[y];

        public void Introsort(int first, int last, int depth)
        {
            while (last - first > Run)
            {
                if (depth == 0)
                {
                    HeapSort(first, last);
                    return;
                }
                depth--;
                int cut = PartitionAroundMedian(first, last);
                Introsort(cut, last, depth);
                last = cut;
            }
        }

        private int PartitionAroundMedian(int first, int last)
        {
            int mid = first + (last - first) / 2;
            MedianToFirst(first, first + 1, mid, last - 1);
            // Hoare's partition, unguarded: the median at `first` stops both scans.
            int lo = first + 1, hi = last;
            while (true)
            {
                while (Less(a[lo], a[first])) lo++;
                hi--;
                while (Less(a[first], a[hi])) hi--;
                if (lo >= hi) return lo;
                (a[lo], a[hi]) = (a[hi], a[lo]);
                lo++;
            }
        }

        private void MedianToFirst(int result, int x, int y, int z)
        {
            int median;
            if (Less(a[x], a[y])) median = Less(a[y], a[z]) ? y : Less(a[x], a[z]) ? z : x;
            else median = Less(a[x], a[z]) ? x : Less(a[y], a[z]) ? z : y;
            (a[result], a[median]) = (a[median], a[result]);
        }

        public void FinalInsertionSort()
        {
            if (a.Length > Run)
            {
                InsertionSort(0, Run);
                for (int i = Run; i < a.Length; i++) LinearInsert(i);
            }
            else
            {
                InsertionSort(0, a.Length);
            }
        }

        private void InsertionSort(int first, int last)
        {
            for (int i = first + 1; i < last; i++)
            {
                if (Less(a[i], a[first]))
                {
                    int item = a[i];
                    a.Slice(first, i - first).CopyTo(a.Slice(first + 1));
                    a[first] = item;
                }
                else
                {
                    LinearInsert(i);
                }
            }
        }

        private void LinearInsert(int last)
        {
            int item = a[last];
            while (Less(item, a[last - 1]))
            {
                a[last] = a[last - 1];
                last--;
            }
            a[last] = item;
        }

        // std::partial_sort over the whole range: build a max-heap, then move its top to the end one at a time.
        private void HeapSort(int first, int last)
        {
            int length = last - first;
            for (int parent = (length - 2) / 2; parent >= 0; parent--) AdjustHeap(first, parent, length, a[first + parent]);
            for (int end = length - 1; end > 0; end--)
            {
                int item = a[first + end];
                a[first + end] = a[first];
                AdjustHeap(first, 0, end, item);
            }
        }

        // Moves the hole down along the larger children to a leaf, then sifts the item up from there.
        private void AdjustHeap(int first, int hole, int length, int item)
        {
            int top = hole, child = hole;
            while (child < (length - 1) / 2)
            {
                child = 2 * (child + 1);
                if (Less(a[first + child], a[first + child - 1])) child--;
                a[first + hole] = a[first + child];
                hole = child;
            }
            if ((length & 1) == 0 && child == (length - 2) / 2)
            {
                child = 2 * (child + 1);
                a[first + hole] = a[first + child - 1];
                hole = child - 1;
            }
            int parent = (hole - 1) / 2;
            while (hole > top && Less(a[first + parent], item))
            {
                a[first + hole] = a[first + parent];
                hole = parent;
                parent = (hole - 1) / 2;
            }
            a[first + hole] = item;
        }
    }
}
