using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary><see cref="SanafeTraceOrder"/> against GCC 12's std::sort (g++ -O2 -std=c++17, the compiler SANA-FE was
/// built with here) run on the same sequences with SANA-FE's comparison; the expected orders are its output.</summary>
public sealed class SanafeTraceOrderTests
{
    private static int[] Sorted(long[] ids, int? depthLimit = null)
    {
        var order = Enumerable.Range(0, ids.Length).ToArray();
        SanafeTraceOrder.Sort(order, ids, depthLimit);
        return order;
    }

    private static readonly long[] Shuffled =
    [
        438, 575, 588, -1, 948, 618, 511, -1, 79, 475, 508, -1, 226, 326, 105, -1, 283, 78, 448, -1, 692, 640, 622, -1, 642,
        376, 110, -1, 976, 746, 734, -1, 235, 57, 936, -1, 663, 506, 681, -1, 40, 961, 173, -1, 514, 514, 911, -1, 656, 192,
        828, -1, 63, 112, 192, -1, 739, 934, 199, -1, 383, 726, 140, -1, 833, 195, 788, -1, 491, 650, 219, -1, 474, 823, 701,
        -1, 913, 310, 429, -1, 965, 530, 529, -1, 634, 32, 979, -1, 20, 540, 199, -1, 255, 18, 291, -1, 990, 541, 889, -1,
        606, 98, 270, -1, 315, 669, 893, -1, 369, 634, 764, -1, 211, 388, 997, -1, 278, 256, 285, -1,
    ];

    [Fact]
    public void A_steps_messages_come_out_as_sanafes_sort_leaves_them()
    {
        // Nine cores sending 5, 3, 7, 0, 9, 4, 6, 2 and 8 messages, ids in order, each core's placeholder (−1) last.
        var ids = new List<long>();
        long id = 0;
        foreach (int sent in (int[])[5, 3, 7, 0, 9, 4, 6, 2, 8])
        {
            for (int k = 0; k < sent; k++) ids.Add(id++);
            ids.Add(-1);
        }
        // The messages in id order, then the placeholders, in no order of cores.
        Assert.Equal([0, 1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29, 30, 31, 32, 34,
            35, 36, 37, 38, 39, 41, 42, 44, 45, 46, 47, 48, 49, 50, 51, 18, 52, 43, 40, 33, 28, 5, 9, 17], Sorted([.. ids]));
    }

    [Fact]
    public void Equal_ids_keep_the_order_std_sort_gives_them_in_a_shuffled_sequence()
    {
        // A linear congruential sequence of ids below 1,000 (some repeated), every fourth a placeholder.
        Assert.Equal(
        [
            93, 88, 85, 40, 33, 52, 17, 8, 101, 14, 26, 53, 62, 42, 54, 49, 65, 58, 90, 112, 70, 12, 32, 92, 117, 102, 116, 16, 118,
            94, 77, 104, 13, 108, 25, 60, 113, 78, 0, 18, 72, 9, 68, 37, 10, 6, 44, 45, 82, 81, 89, 97, 1, 2, 100, 5, 22, 84, 109,
            21, 24, 69, 48, 36, 105, 38, 20, 74, 61, 30, 56, 29, 110, 66, 73, 50, 64, 98, 106, 46, 76, 57, 34, 4, 41, 80, 28, 86, 96,
            114, 39, 15, 67, 107, 11, 43, 63, 111, 7, 47, 115, 59, 3, 55, 119, 87, 103, 19, 71, 75, 99, 35, 79, 95, 31, 23, 83, 91,
            27, 51,
        ], Sorted(Shuffled));
    }

    [Fact]
    public void Past_the_depth_limit_it_heapsorts_as_std_partial_sort_does()
    {
        Assert.Equal(
        [
            93, 88, 85, 40, 33, 52, 17, 8, 101, 14, 26, 53, 62, 42, 54, 49, 65, 90, 58, 112, 70, 12, 32, 92, 117, 102, 116, 16, 118,
            94, 77, 104, 13, 108, 25, 60, 113, 78, 0, 18, 72, 9, 68, 37, 10, 6, 45, 44, 82, 81, 89, 97, 1, 2, 100, 5, 22, 84, 109,
            21, 24, 69, 48, 36, 105, 38, 20, 74, 61, 30, 56, 29, 110, 66, 73, 50, 64, 98, 106, 46, 76, 57, 34, 4, 41, 80, 28, 86, 96,
            114, 15, 31, 63, 7, 67, 3, 35, 71, 75, 19, 39, 79, 83, 43, 87, 91, 23, 47, 95, 11, 99, 51, 103, 107, 27, 55, 111, 115,
            59, 119,
        ], Sorted(Shuffled, depthLimit: 0));
    }

    [Fact]
    public void Any_sequence_ends_sorted_by_id_with_the_placeholders_last()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var ids = Enumerable.Range(0, random.Next(0, 400)).Select(_ => random.Next(4) == 0 ? -1L : random.Next(50)).ToArray();
            var keys = Sorted(ids).Select(i => ids[i] < 0 ? long.MaxValue : ids[i]).ToArray();
            Assert.Equal(keys.Order(), keys);
        }
    }
}
