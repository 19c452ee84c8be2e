using System.Text.Json.Nodes;

namespace Neuromorphic.Application.Tuning;

/// <summary>One configuration of a search: its name, the rung (successive halving; 0 otherwise), the training images its
/// runs see, and the preset fields it sets.</summary>
public sealed record TrialSpec(string Id, int Rung, int TrainImages, IReadOnlyDictionary<string, JsonNode> Values)
{
    /// <summary>The values as "path=value" pairs, for tables and logs.</summary>
    public string Describe() => string.Join(", ", Values.Select(v => $"{v.Key}={v.Value.ToJsonString()}"));
}

/// <summary>The configurations a search space asks for, always the same for the same file (the draws come from its
/// seed), so a search that is run again finds its finished trials under the same names.</summary>
public static class SearchPlan
{
    public static IReadOnlyList<IReadOnlyDictionary<string, JsonNode>> Configurations(SearchSpace space)
    {
        if (space.Strategy == SearchStrategy.Grid)
        {
            IEnumerable<Dictionary<string, JsonNode>> grid = [new Dictionary<string, JsonNode>()];
            foreach (var p in space.Parameters)
            {
                var values = p.GridValues();
                grid = grid.SelectMany(c => values.Select(v => new Dictionary<string, JsonNode>(c) { [p.Path] = v.DeepClone() })).ToList();
            }
            return grid.ToList();
        }
        var random = new Random(space.Seed);
        var configs = new List<IReadOnlyDictionary<string, JsonNode>>();
        var seen = new HashSet<string>();
        // Draw until the requested number of distinct configurations, or give up after many repeats (a small discrete space).
        for (int tries = 0; configs.Count < space.Trials && tries < space.Trials * 50; tries++)
        {
            var c = space.Parameters.ToDictionary(p => p.Path, p => p.Draw(random));
            if (seen.Add(string.Join('\n', c.Select(v => v.Key + "=" + v.Value.ToJsonString())))) configs.Add(c);
        }
        return configs;
    }

    /// <summary>The training images of rung <paramref name="rung"/>: the full budget on the last rung, η times fewer on each one before.</summary>
    public static int RungImages(SearchSpace space, int rung, int fullBudget)
    {
        if (space.Strategy != SearchStrategy.Halving) return fullBudget;
        double images = fullBudget / Math.Pow(space.Eta, space.Rungs - 1 - rung);
        return Math.Max(1, (int)Math.Round(images));
    }

    /// <summary>How many configurations go on from a rung that ran <paramref name="count"/>: the best 1/η, at least one.</summary>
    public static int Survivors(SearchSpace space, int count) => Math.Max(1, count / space.Eta);
}
