using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Neuromorphic.Learning;

namespace Neuromorphic.Application.Tuning;

/// <summary>How a search picks configurations: every combination, random draws, or random draws thinned by successive
/// halving (each rung keeps the best 1/η on η times the training images).</summary>
public enum SearchStrategy { Grid, Random, Halving }

/// <summary>
/// A hyperparameter search over a preset (a JSON file, see docs/tuning.md): which preset fields vary and how, the
/// strategy, seeds per configuration, the validation fraction carved from the training set, and the training images
/// a full-budget trial sees.
/// </summary>
public sealed record SearchSpace(
    string Source,
    string Preset,
    SearchStrategy Strategy,
    IReadOnlyList<SearchParameter> Parameters,
    int Seeds,
    double Validation,
    int? LimitTrain,
    int Trials,
    int Seed,
    int Eta,
    int Rungs)
{
    /// <summary>The most configurations a grid may hold, so a space file cannot ask for an unbounded search.</summary>
    public const int MaxConfigurations = 10_000;

    const string ResourcePrefix = "Neuromorphic.Learning.SearchSpaces.";

    /// <summary>Names of the built-in search spaces (src/Neuromorphic.Learning/Presets/search/), sorted.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = typeof(PresetLibrary).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Select(n => n[ResourcePrefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal).ToArray();

    /// <summary>A search space file, or a built-in one by name.</summary>
    public static SearchSpace Load(string nameOrPath)
    {
        if (File.Exists(nameOrPath))
        {
            if (new FileInfo(nameOrPath).Length > 1 << 20) throw new UserErrorException($"{nameOrPath}: a search space file is at most 1 MiB.");
            return Parse(File.ReadAllText(nameOrPath), nameOrPath);
        }
        if (!BuiltIn.Contains(nameOrPath))
            throw new UserErrorException($"'{nameOrPath}' is neither a search space file nor a built-in one ({string.Join(", ", BuiltIn)}).");
        using var stream = typeof(PresetLibrary).Assembly.GetManifestResourceStream(ResourcePrefix + nameOrPath + ".json")!;
        return Parse(new StreamReader(stream).ReadToEnd(), $"built-in search space '{nameOrPath}'");
    }

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>The file as written: required members, no unknown field.</summary>
    sealed record SpaceFile(string Preset, SearchStrategy Strategy, Dictionary<string, JsonElement> Parameters,
        int Seeds = 3, double Validation = 0.2, int? LimitTrain = null, int Trials = 10, int Seed = 1, HalvingFile? Halving = null);

    sealed record HalvingFile(int Eta = 3, int Rungs = 3);

    sealed record RangeFile(double Min, double Max, string Scale = "linear", int? Steps = null, bool Integer = false);

    public static SearchSpace Parse(string json, string source)
    {
        SpaceFile file;
        try
        {
            file = JsonSerializer.Deserialize<SpaceFile>(json, Options) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{source}: {e.Path ?? "$"}: expected {Explain(e)}.", e);
        }
        string Fail(string path, string expected) => throw new UserErrorException($"{source}: {path}: expected {expected}.");
        if (file.Seeds is < 1 or > 100) Fail("$.seeds", $"1 to 100 seeds per configuration, found {file.Seeds}");
        if (!(file.Validation > 0 && file.Validation < 1)) Fail("$.validation", $"a fraction of the training set between 0 and 1, found {file.Validation}");
        if (file.LimitTrain is < 1) Fail("$.limitTrain", $"at least one training image, found {file.LimitTrain}");
        if (file.Trials is < 1 or > MaxConfigurations) Fail("$.trials", $"1 to {MaxConfigurations} configurations, found {file.Trials}");
        if (file.Parameters.Count == 0) Fail("$.parameters", "at least one preset field to vary");
        var halving = file.Halving ?? new HalvingFile();
        if (file.Strategy != SearchStrategy.Halving && file.Halving is not null) Fail("$.halving", "no halving settings unless strategy is \"halving\"");
        if (halving.Eta is < 2 or > 10) Fail("$.halving.eta", $"a reduction factor of 2 to 10, found {halving.Eta}");
        if (halving.Rungs is < 1 or > 6) Fail("$.halving.rungs", $"1 to 6 rungs, found {halving.Rungs}");

        var parameters = new List<SearchParameter>();
        foreach (var (path, element) in file.Parameters)
        {
            string where = $"$.parameters['{path}']";
            PresetPatch.CheckPath(path, source, where);
            if (element.ValueKind == JsonValueKind.Array)
            {
                var values = element.EnumerateArray().Select(v => JsonNode.Parse(v.GetRawText())!).ToList();
                if (values.Count == 0) Fail(where, "a list of at least one value");
                if (values.Any(v => v is JsonObject or JsonArray)) Fail(where, "plain values (numbers, text, true or false) in the list");
                parameters.Add(new SearchParameter(path, values, null));
                continue;
            }
            if (element.ValueKind != JsonValueKind.Object) Fail(where, "a list of values or a range {\"min\", \"max\", \"scale\", \"steps\", \"integer\"}");
            RangeFile range;
            try { range = element.Deserialize<RangeFile>(Options)!; }
            catch (JsonException e) { throw new UserErrorException($"{source}: {where}{(e.Path ?? "$")[1..]}: expected {Explain(e)}.", e); }
            if (!(range.Min < range.Max) || !double.IsFinite(range.Min) || !double.IsFinite(range.Max)) Fail(where, $"min below max, found {range.Min} and {range.Max}");
            if (range.Scale is not ("linear" or "log")) Fail(where + ".scale", $"\"linear\" or \"log\", found \"{range.Scale}\"");
            if (range.Scale == "log" && range.Min <= 0) Fail(where + ".min", "a positive minimum on a log scale");
            if (range.Steps is < 2 or > 1000) Fail(where + ".steps", $"2 to 1000 grid points, found {range.Steps}");
            if (file.Strategy == SearchStrategy.Grid && range.Steps is null) Fail(where + ".steps", "the number of grid points for a range in a grid search");
            parameters.Add(new SearchParameter(path, null, new SearchRange(range.Min, range.Max, range.Scale == "log", range.Steps, range.Integer)));
        }
        var space = new SearchSpace(source, file.Preset, file.Strategy, parameters, file.Seeds, file.Validation, file.LimitTrain,
            file.Trials, file.Seed, halving.Eta, halving.Rungs);
        if (space.Strategy == SearchStrategy.Grid && space.GridSize() > MaxConfigurations)
            Fail("$.parameters", $"a grid of at most {MaxConfigurations:N0} configurations, this one has {space.GridSize():N0}");
        return space;
    }

    // System.Text.Json's messages name .NET types; a user of the file needs the file's own words.
    static string Explain(JsonException e)
    {
        string path = e.Path ?? "$";
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
            return path.Contains("parameters", StringComparison.Ordinal) ? "only min, max, scale, steps and integer in a range"
                : path.StartsWith("$.halving", StringComparison.Ordinal) ? "only eta and rungs"
                : "only the fields preset, strategy, parameters, seeds, validation, limitTrain, trials, seed and halving";
        if (e.Message.Contains("missing required properties", StringComparison.Ordinal))
            return "the required fields (preset, strategy and parameters; min and max in a range): " + e.Message.Split("including:")[^1].Trim().TrimEnd('.');
        string last = path.Split('.')[^1];
        return last switch
        {
            "strategy" => "\"grid\", \"random\" or \"halving\"",
            "preset" or "scale" => "text",
            "seeds" or "trials" or "seed" or "limitTrain" or "eta" or "rungs" or "steps" => "a whole number",
            "validation" or "min" or "max" => "a number",
            "integer" => "true or false",
            "parameters" => "an object of preset fields, each a list of values or a range",
            _ => "valid JSON as docs/tuning.md describes",
        };
    }

    /// <summary>How many configurations the grid holds.</summary>
    public long GridSize() => Parameters.Aggregate(1L, (n, p) => n * p.GridValues().Count);
}

/// <summary>One varied preset field: a JSON path such as "layers[0].learningRate", and its values or its range.</summary>
public sealed record SearchParameter(string Path, IReadOnlyList<JsonNode>? Values, SearchRange? Range)
{
    /// <summary>The values a grid takes: the list, or the range's evenly spaced (log-spaced on a log scale) points.</summary>
    public IReadOnlyList<JsonNode> GridValues()
    {
        if (Values is not null) return Values;
        var r = Range!;
        int n = r.Steps ?? 2;
        return Enumerable.Range(0, n).Select(i => r.Value((double)i / (n - 1))).ToList();
    }

    /// <summary>A random value: one of the list, or a point of the range drawn uniformly (log-uniformly on a log scale).</summary>
    public JsonNode Draw(Random random) => Values is not null ? Values[random.Next(Values.Count)].DeepClone() : Range!.Value(random.NextDouble());
}

public sealed record SearchRange(double Min, double Max, bool Log, int? Steps, bool Integer)
{
    /// <summary>The point at fraction <paramref name="u"/> (0..1) of the range.</summary>
    public JsonNode Value(double u)
    {
        double v = Log ? Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))) : Min + u * (Max - Min);
        // Six significant digits keep trial names and tables readable and the same value from one run to the next.
        return Integer ? JsonValue.Create((long)Math.Round(v)) : JsonValue.Create(double.Parse(v.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }
}
