namespace Neuromorphic.Spiking.Tests;

public class RasterNeuronsTests
{
    // Ten neurons, seven of them active. Sorted sparsest first (ties by index):
    // rank 0: #2 (1), 1: #5 (2), 2: #3 (3), 3: #7 (3), 4: #1 (5), 5: #8 (7), 6: #6 (9); #0, #4, #9 are silent.
    private static readonly Dictionary<int, int> Counts = new()
    {
        [0] = 0, [1] = 5, [2] = 1, [3] = 3, [4] = 0, [5] = 2, [6] = 9, [7] = 3, [8] = 7, [9] = 0,
    };

    [Theory]
    [InlineData("by-rate:300", RasterNeuronsKind.ByRate, 300)]
    [InlineData("by-rate:1", RasterNeuronsKind.ByRate, 1)]
    [InlineData("most-active:5", RasterNeuronsKind.MostActive, 5)]
    [InlineData("map:0", RasterNeuronsKind.FeatureMap, 0)]
    [InlineData("map:12", RasterNeuronsKind.FeatureMap, 12)]
    [InlineData("all", RasterNeuronsKind.All, 0)]
    public void ParseReadsEachFormAndToStringRoundTrips(string text, RasterNeuronsKind kind, int value)
    {
        var parsed = RasterNeurons.Parse(text);
        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(value, parsed.Value);
        Assert.Equal(text, parsed.ToString());
        Assert.Equal(parsed, RasterNeurons.Parse(parsed.ToString()));
    }

    [Fact]
    public void FactoriesPrintAsTheParsedForms()
    {
        Assert.Equal("by-rate:7", RasterNeurons.ByRate(7).ToString());
        Assert.Equal("most-active:3", RasterNeurons.MostActive(3).ToString());
        Assert.Equal("map:2", RasterNeurons.FeatureMap(2).ToString());
        Assert.Equal("all", RasterNeurons.All.ToString());
    }

    [Theory]
    [InlineData("most-active:0")]
    [InlineData("by-rate:0")]
    [InlineData("by-rate:-2")]
    [InlineData("map:-1")]
    [InlineData("by-rate")]
    [InlineData("map")]
    [InlineData("x:3")]
    [InlineData("by-rate:abc")]
    [InlineData("by-rate:")]
    [InlineData("ALL")]
    [InlineData("")]
    public void ParseRejectsInvalidTextNamingTheAcceptedForms(string text)
    {
        var e = Assert.Throws<FormatException>(() => RasterNeurons.Parse(text));
        foreach (string form in new[] { "by-rate:N", "most-active:N", "map:K", "all" }) Assert.Contains(form, e.Message);
        Assert.Contains($"'{text}'", e.Message);
    }

    [Fact]
    public void ParseRejectsNull() => Assert.Throws<ArgumentNullException>(() => RasterNeurons.Parse(null!));

    [Fact]
    public void ByRatePicksEvenlySpacedRanksOfTheActiveNeuronsSparsestFirst()
    {
        // N = 3 of 7 active: ranks 0, 3, 6 → #2, #7, #6.
        Assert.Equal([2, 7, 6], RasterNeurons.ByRate(3).Choose(Counts, 1, 10));
        // N = 2: the two ends, ranks 0 and 6.
        Assert.Equal([2, 6], RasterNeurons.ByRate(2).Choose(Counts, 1, 10));
        // N = 4: ranks 0, 2, 4, 6.
        Assert.Equal([2, 3, 1, 6], RasterNeurons.ByRate(4).Choose(Counts, 1, 10));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(100)]
    public void ByRateReturnsEveryActiveNeuronWhenNIsAtLeastTheActiveCount(int n) =>
        Assert.Equal([2, 5, 3, 7, 1, 8, 6], RasterNeurons.ByRate(n).Choose(Counts, 1, 10));

    [Fact]
    public void ByRateNeverChoosesASilentNeuron()
    {
        for (int n = 1; n <= 12; n++)
        {
            var chosen = RasterNeurons.ByRate(n).Choose(Counts, 1, 10);
            Assert.Equal(Math.Min(n, 7), chosen.Length);
            Assert.Equal(chosen.Length, chosen.Distinct().Count());
            Assert.All(chosen, c => Assert.True(Counts[c] > 0, $"N {n}: silent neuron {c} chosen"));
            // Sparsest first: the counts along the rows never decrease.
            for (int i = 1; i < chosen.Length; i++) Assert.True(Counts[chosen[i - 1]] <= Counts[chosen[i]]);
        }
        Assert.Empty(RasterNeurons.ByRate(5).Choose(new Dictionary<int, int> { [0] = 0, [1] = 0 }, 1, 2));
        Assert.Empty(RasterNeurons.ByRate(5).Choose(new Dictionary<int, int>(), 1, 2));
    }

    [Fact]
    public void MostActiveReturnsTheTopNInIndexOrderWithTiesToTheLowerIndex()
    {
        // Top 3: #6 (9), #8 (7), #1 (5), drawn in index order.
        Assert.Equal([1, 6, 8], RasterNeurons.MostActive(3).Choose(Counts, 1, 10));
        // The 4th place is a tie between #3 and #7 (3 spikes each): the lower index wins.
        Assert.Equal([1, 3, 6, 8], RasterNeurons.MostActive(4).Choose(Counts, 1, 10));
        Assert.Equal([1, 3, 6, 7, 8], RasterNeurons.MostActive(5).Choose(Counts, 1, 10));
        Assert.Equal([6], RasterNeurons.MostActive(1).Choose(Counts, 1, 10));
    }

    [Fact]
    public void FeatureMapReturnsExactlyThatMapsPositions()
    {
        // 3 maps of 4 positions: map K is K·4 .. K·4 + 3, whatever the counts.
        Assert.Equal([0, 1, 2, 3], RasterNeurons.FeatureMap(0).Choose(Counts, 3, 4));
        Assert.Equal([4, 5, 6, 7], RasterNeurons.FeatureMap(1).Choose(Counts, 3, 4));
        Assert.Equal([8, 9, 10, 11], RasterNeurons.FeatureMap(2).Choose(new Dictionary<int, int>(), 3, 4));
        Assert.Equal(Enumerable.Range(0, 12), RasterNeurons.All.Choose(Counts, 3, 4));
    }

    [Fact]
    public void FeatureMapOutOfRangeThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RasterNeurons.FeatureMap(3).Choose(Counts, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => RasterNeurons.FeatureMap(10).Choose(Counts, 3, 4));
        Assert.Throws<ArgumentNullException>(() => RasterNeurons.All.Choose(null!, 3, 4));
    }

    [Fact]
    public void DescribeNamesTheSelection()
    {
        Assert.Contains("feature map 2", RasterNeurons.FeatureMap(2).Describe(4, 3, 4));
        Assert.Contains("most active", RasterNeurons.MostActive(3).Describe(3, 3, 4));
        Assert.Contains("12", RasterNeurons.All.Describe(12, 3, 4));
        Assert.Contains("spike counts", RasterNeurons.ByRate(3).Describe(3, 3, 4));
    }
}
