using System.Reflection;
using System.Text.RegularExpressions;
using Neuromorphic.Cli.Commands;

namespace Neuromorphic.Cli.Tests;

/// <summary>Every command's --help lists each option with its default, and the README says the same.</summary>
public class HelpReferenceTests
{
    /// <summary>The tool's commands, built as the host builds them (each has a parameterless constructor).</summary>
    static List<ICliCommand> Commands() =>
        typeof(ICliCommand).Assembly.GetTypes()
            .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

    static string Readme => File.ReadAllText(Path.Combine(Cli.RepoRoot, "README.md"));

    [Fact]
    public void Help_of_every_command_lists_each_option_with_its_default()
    {
        var commands = Commands();
        Assert.True(commands.Count >= 10, string.Join(", ", commands.Select(c => c.Name)));
        foreach (var command in commands)
        {
            var r = Cli.Run(command.Name, "--help");
            Assert.True(r.ExitCode == 0, r.ToString());
            foreach (var verb in command.Verbs)
            foreach (var option in verb.Options)
            {
                // A command of several forms has a section per form, headed "FORM:".
                var lines = r.Out.Split('\n').SkipWhile(l => command.Verbs.Count > 1 && l != verb.Words + ":").ToList();
                var line = lines.FirstOrDefault(l => l.TrimStart().StartsWith(option.Usage + " ", StringComparison.Ordinal));
                Assert.True(line is not null, $"{command.Name} --help has no line for {option.Usage} under {verb.Words}:\n{r.Out}");
                // The default (or "required") ends the option's description, which may wrap onto the next lines.
                string rest = string.Join(" ", lines.SkipWhile(l => l != line).TakeWhile((l, i) => i == 0 || l.StartsWith("    ")).Select(l => l.Trim()));
                string expected = option.DefaultText == "required" ? "(required)" : $"(default: {option.DefaultText})";
                Assert.True(rest.Contains(expected, StringComparison.Ordinal), $"{command.Name} --help: {option.Usage} does not say {expected}:\n{rest}");
            }
        }
    }

    [Fact]
    public void Readme_command_reference_is_what_help_says()
    {
        var match = Regex.Match(Readme, "<!-- commands:begin -->\n(.*?)<!-- commands:end -->", RegexOptions.Singleline);
        Assert.True(match.Success, "README.md has no <!-- commands:begin --> ... <!-- commands:end --> block");
        string expected = CliHelp.Markdown(Commands());
        Assert.True(expected == match.Groups[1].Value,
            "README.md's command reference differs from the commands' options; replace the block with the output of " +
            $"'./neuromorphic help --markdown':\n{expected}");
        var printed = Cli.Run("help", "--markdown");
        Assert.Equal(expected, printed.Out);
    }

    [Fact]
    public void Every_option_the_readme_shows_in_a_command_line_is_one_the_command_takes()
    {
        var commands = Commands().ToDictionary(c => c.Name);
        int checkedLines = 0;
        foreach (string line in Readme.Split('\n'))
        {
            var call = Regex.Match(line, @"neuromorphic ([a-z]+)((?: [^#`]*)?)");
            if (!call.Success || !commands.TryGetValue(call.Groups[1].Value, out var command)) continue;
            checkedLines++;
            foreach (Match option in Regex.Matches(call.Groups[2].Value, @"--([a-z][a-z-]*)"))
                Assert.True(command.Verbs.Any(v => v.Options.Any(o => o.Name == option.Groups[1].Value)),
                    $"README line '{line.Trim()}' shows --{option.Groups[1].Value}, which '{command.Name}' does not take");
        }
        Assert.True(checkedLines >= 10, $"only {checkedLines} README lines call the tool");
    }

    [Fact]
    public void A_command_that_reads_an_undeclared_option_is_a_programming_error()
    {
        var args = new CommandArguments(["--seed", "3"], [new CliOption("seed", "N", "seed", Default: "0")]);
        Assert.Equal(3, args.Int("seed"));
        Assert.Throws<InvalidOperationException>(() => args.String("sede"));
        Assert.Equal(0, new CommandArguments([], [new CliOption("seed", "N", "seed", Default: "0")]).Int("seed"));
    }
}
