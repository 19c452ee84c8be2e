using System.Text;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// One `--name` option of a command. <see cref="Value"/> is its value's placeholder (null for a switch).
/// <see cref="Default"/> is the value used when the option is absent, and the parser returns it, so each default is
/// written once, here; <see cref="DefaultNote"/> describes a default worked out at run time instead ("all cores").
/// </summary>
public sealed record CliOption(string Name, string? Value, string Description, string? Default = null, string? DefaultNote = null)
{
    public string Usage => Value is null ? $"--{Name}" : $"--{Name} {Value}";

    /// <summary>What help and the README say of the default: "required" for a required option, "off" for a switch.</summary>
    public string DefaultText => Default ?? DefaultNote ?? (Value is null ? "off" : "none");
}

/// <summary>A command, or one form of it (`datasets download`): the words after `neuromorphic`, what it does, its options.</summary>
public sealed record CliVerb(string Words, string Description, params CliOption[] Options);

/// <summary>Help text and the README's command reference, both made from the commands' <see cref="CliVerb"/>s.</summary>
public static class CliHelp
{
    public static string Format(ICliCommand command)
    {
        var text = new StringBuilder();
        for (int i = 0; i < command.Verbs.Count; i++)
        {
            string head = (i == 0 ? "usage: " : "       ") + "neuromorphic " + command.Verbs[i].Words + " ";
            var lines = Wrap(command.Verbs[i].Options.Select(Usage), LineWidth - head.Length);
            text.AppendLine((head + lines[0]).TrimEnd());
            foreach (string more in lines.Skip(1)) text.AppendLine(new string(' ', head.Length) + more);
        }
        foreach (var verb in command.Verbs)
        {
            text.AppendLine();
            if (command.Verbs.Count > 1) text.AppendLine($"{verb.Words}:");
            foreach (string line in verb.Description.Split('\n')) text.AppendLine("  " + line.TrimEnd());
            if (verb.Options.Length == 0) continue;
            int width = verb.Options.Max(o => o.Usage.Length) + 2;
            foreach (var o in verb.Options)
            {
                string what = o.DefaultText == "required" ? $"{o.Description} (required)" : $"{o.Description} (default: {o.DefaultText})";
                var lines = Wrap(what.Split(' '), Math.Max(40, LineWidth - 2 - width));
                text.AppendLine($"  {o.Usage.PadRight(width)}{lines[0]}");
                foreach (string more in lines.Skip(1)) text.AppendLine(new string(' ', 2 + width) + more);
            }
        }
        if (command.Notes is { Length: > 0 } notes) text.AppendLine().AppendLine(notes.TrimEnd());
        return text.ToString().TrimEnd();
    }

    /// <summary>The form the words select: the only one, or the one named by the first positional word
    /// (`spiking cuba`); null when none matches (the command then says what it takes).</summary>
    public static CliVerb? VerbFor(ICliCommand command, IReadOnlyList<string> words)
    {
        if (command.Verbs.Count == 1) return command.Verbs[0];
        var parsed = new CommandArguments(words, []);
        string? first = parsed.Positional.FirstOrDefault();
        var forms = command.Verbs.Where(v => v.Words.Split(' ').ElementAtOrDefault(1) == first).ToList();
        // Forms with the same words (`simulate --run` and `simulate --arch --snn`) are told apart by their options:
        // the form that declares most of the options given (the first on a tie).
        return forms.OrderByDescending(v => parsed.OptionNames.Count(n => v.Options.Any(o => o.Name == n))).FirstOrDefault();
    }

    const int LineWidth = 118;

    /// <summary>Joins <paramref name="words"/> with spaces into lines of at most <paramref name="width"/> characters.</summary>
    static List<string> Wrap(IEnumerable<string> words, int width)
    {
        var lines = new List<string> { "" };
        foreach (string word in words)
        {
            if (lines[^1].Length > 0 && lines[^1].Length + 1 + word.Length > width) lines.Add("");
            lines[^1] = lines[^1].Length == 0 ? word : lines[^1] + " " + word;
        }
        return lines;
    }

    /// <summary>An option as a synopsis shows it: bracketed unless it is required.</summary>
    static string Usage(CliOption o) => o.DefaultText == "required" ? o.Usage : $"[{o.Usage}]";

    /// <summary>The README's command reference: every command form with each option and its default.</summary>
    public static string Markdown(IEnumerable<ICliCommand> commands)
    {
        var text = new StringBuilder();
        text.AppendLine("| command | option | default | what it does |");
        text.AppendLine("|---|---|---|---|");
        foreach (var verb in commands.OrderBy(c => c.Name, StringComparer.Ordinal).SelectMany(c => c.Verbs))
        {
            if (verb.Options.Length == 0) text.AppendLine($"| `{verb.Words}` | | | |");
            foreach (var o in verb.Options)
                text.AppendLine($"| `{verb.Words}` | `{o.Usage}` | {Cell(o.DefaultText)} | {Cell(o.Description)} |");
        }
        return text.ToString();

        static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
    }
}

/// <summary>Options that several commands share, written once.</summary>
public static class CommonOptions
{
    public static readonly CliOption Run = new("run", "RUN_DIR", "a run directory written by train or demo", DefaultNote: "required");
    public static readonly CliOption Data = new("data", "DIR", "dataset folder (its test split is used)", DefaultNote: "the shipped sample datasets/mnist-sample");
    public static readonly CliOption LimitTest = new("limit-test", "N", "use the first N test images", DefaultNote: "all");
}
