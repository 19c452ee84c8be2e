using System.Globalization;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// The words after the command name: positional words, `--name value` options and `--flag` switches.
/// A command may read only the options it declares (so its --help lists every one, with its default), an absent
/// option reads as its declared default, and every option a command reads is marked as used, so a misspelt option
/// is reported instead of ignored.
/// </summary>
public sealed class CommandArguments
{
    readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    readonly HashSet<string> _used = new(StringComparer.Ordinal);
    readonly Dictionary<string, CliOption> _declared = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positional { get; }
    public IReadOnlyList<string> Raw { get; }
    /// <summary>The names of the options given, in no particular order.</summary>
    public IEnumerable<string> OptionNames => _options.Keys;

    public CommandArguments(IReadOnlyList<string> words, IEnumerable<CliOption> declared)
    {
        Raw = words;
        foreach (var option in declared) _declared.TryAdd(option.Name, option);
        var positional = new List<string>();
        for (int i = 0; i < words.Count; i++)
        {
            string w = words[i];
            if (w.StartsWith("--", StringComparison.Ordinal) && w.Length > 2)
            {
                string name = w[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (i + 1 < words.Count && !words[i + 1].StartsWith("--", StringComparison.Ordinal)) value = words[++i];
                _options[name] = value;
            }
            else positional.Add(w);
        }
        Positional = positional;
    }

    public bool Flag(string name) { Declared(name); _used.Add(name); return _options.ContainsKey(name); }

    /// <summary>The option's value, its declared default when absent, or null when it has none.</summary>
    public string? String(string name)
    {
        var option = Declared(name);
        _used.Add(name);
        if (!_options.TryGetValue(name, out var v)) return option.Default;
        return v ?? throw new UserErrorException($"--{name} needs a value.");
    }

    CliOption Declared(string name) => _declared.TryGetValue(name, out var option) ? option
        : throw new InvalidOperationException($"The command reads --{name} without declaring it in its Verbs, so --help would not list it.");

    public int? Int(string name, int min = int.MinValue)
    {
        var s = String(name);
        if (s is null) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
            throw new UserErrorException($"--{name} must be a whole number{(min > int.MinValue ? $" >= {min}" : "")}, got '{s}'.");
        return v;
    }

    /// <summary>The option as a number in <paramref name="min"/>..<paramref name="max"/>, its declared default when absent, or null.</summary>
    public double? Double(string name, double min, double max)
    {
        var s = String(name);
        if (s is null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= min && v <= max))
            throw new UserErrorException($"--{name} must be a number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}, got '{s}'.");
        return v;
    }

    /// <summary>Fails on options nobody read (typos such as --lmit).</summary>
    public void ThrowOnUnknown(string command)
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UserErrorException($"'{command}' does not take {string.Join(", ", unknown.Select(u => "--" + u))}; see 'neuromorphic {command} --help'.");
    }
}
