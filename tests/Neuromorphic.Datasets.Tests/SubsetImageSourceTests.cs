namespace Neuromorphic.Datasets.Tests;

public sealed class SubsetImageSourceTests
{
    // Image i is filled with the value 10 * i + 1 and labelled i % 3.
    private static InMemoryImageSource Source(int count)
    {
        var shape = new ImageShape(1, 2, 2);
        byte[] pixels = Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat((byte)(10 * i + 1), 4)).ToArray();
        byte[] labels = Enumerable.Range(0, count).Select(i => (byte)(i % 3)).ToArray();
        return new InMemoryImageSource("ten", shape, pixels, labels, ["x", "y", "z"]);
    }

    [Fact]
    public void Reads_TheChosenImages_RenumberedInTheGivenOrder()
    {
        var subset = new SubsetImageSource(Source(10), [7, 2, 9]);
        Assert.Equal(3, subset.Count);
        Assert.Equal(["x", "y", "z"], subset.ClassNames);
        Assert.Equal([1, 2, 0], Enumerable.Range(0, 3).Select(subset.GetLabel));

        var bytes = new byte[2 * 4];
        subset.CopyBatchBytes([2, 0], bytes);
        Assert.Equal([91, 91, 91, 91, 71, 71, 71, 71], bytes);
        var floats = new float[4];
        subset.CopyBatch([1], floats);
        Assert.Equal(Enumerable.Repeat(21 / 255f, 4), floats);
    }

    [Fact]
    public void OutOfRange_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SubsetImageSource(Source(4), [0, 4]));
        var subset = new SubsetImageSource(Source(4), [3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => subset.GetLabel(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => subset.CopyBatchBytes([1], new byte[4]));
    }
}
