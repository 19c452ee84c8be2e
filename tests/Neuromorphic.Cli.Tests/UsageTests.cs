namespace Neuromorphic.Cli.Tests;

/// <summary>Help texts and the one-line errors of user mistakes, for every command the host registers.</summary>
public class UsageTests
{
    /// <summary>The command names the tool lists (its registered commands), read from its own `--help`.</summary>
    static List<string> ListedCommands()
    {
        var r = Cli.Run("--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Out.Split('\n')
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Trim().Length > 0)
            .Select(l => l.Trim().Split(' ', 2)[0])
            .ToList();
    }

    [Fact]
    public void No_arguments_prints_the_command_list()
    {
        var r = Cli.Run();
        Assert.True(r.ExitCode == 2, r.ToString()); // a usage error: nothing was asked
        Assert.StartsWith("usage: neuromorphic COMMAND", r.Out);
        foreach (var name in new[] { "train", "evaluate", "simulate", "plot", "report", "hardware", "datasets", "demo", "bench" })
            Assert.Contains($"\n  {name} ", r.Out);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void Help_lists_every_registered_command_and_exits_0()
    {
        var names = ListedCommands();
        Assert.Contains("hardware", names);
        Assert.True(names.Count >= 9, string.Join(", ", names));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Every_command_prints_its_usage_for_help_and_exits_0()
    {
        foreach (var name in ListedCommands())
            foreach (var flag in new[] { "--help", "-h" })
            {
                var r = Cli.Run(name, flag);
                Assert.True(r.ExitCode == 0, $"{name} {flag}: {r}");
                Assert.Contains("usage: neuromorphic " + name, r.Out);
                Assert.True(r.Err.Length == 0, $"{name} {flag}: {r}");
            }
    }

    [Fact]
    public void Help_wins_over_other_words()
    {
        var r = Cli.Run("train", "--preset", "no-such-preset", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("usage: neuromorphic train", r.Out);
    }

    [Fact]
    public void Unknown_command() =>
        Cli.AssertUserError(Cli.Run("trian"), "unknown command 'trian'", "train");

    [Fact]
    public void Unknown_option_is_reported_not_ignored() =>
        Cli.AssertUserError(Cli.Run("train", "--preset", "mnist-small", "--lmit-train", "5"), "--lmit-train");

    [Theory]
    [InlineData("evaluate")]
    [InlineData("simulate")]
    [InlineData("plot")]
    [InlineData("report")]
    public void Missing_run_option(string command) =>
        Cli.AssertUserError(Cli.Run(command), "--run");

    [Theory]
    [InlineData("evaluate")]
    [InlineData("simulate")]
    [InlineData("plot")]
    [InlineData("report")]
    public void Run_directory_that_does_not_exist(string command)
    {
        using var tmp = new TempDir();
        string missing = tmp.File("no-such-run");
        Cli.AssertUserError(Cli.Run(command, "--run", missing), "no-such-run");
    }

    [Fact]
    public void Unknown_preset() =>
        Cli.AssertUserError(Cli.Run("train", "--preset", "mnist-huge"), "mnist-huge", "mnist-small");

    [Fact]
    public void Bad_schedule() =>
        Cli.AssertUserError(Cli.Run("train", "--preset", "mnist-small", "--schedule", "sideways"), "--schedule", "sideways");

    [Theory]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("many")]
    public void Bad_limit_train(string value) =>
        Cli.AssertUserError(Cli.Run("train", "--preset", "mnist-small", "--limit-train", value), "--limit-train", value);

    [Fact]
    public void Option_without_value() =>
        Cli.AssertUserError(Cli.Run("train", "--preset"), "--preset");

    [Fact]
    public void Missing_dataset_folder()
    {
        using var tmp = new TempDir();
        string missing = tmp.File("no-such-data");
        Cli.AssertUserError(Cli.Run("train", "--preset", "mnist-small", "--data", missing, "--out", tmp.File("run")), "no-such-data");
        Cli.AssertUserError(Cli.Run("datasets", "info", "--data", missing), "no-such-data");
        Assert.False(Directory.Exists(tmp.File("run")), "a refused train must not create its run directory");
    }

    [Fact]
    public void Dataset_that_does_not_fit_the_preset()
    {
        // The CIFAR-10 preset on the MNIST sample (the default data): one line naming both image sizes.
        using var tmp = new TempDir();
        Cli.AssertUserError(Cli.Run("train", "--preset", "cifar10", "--limit-train", "20", "--out", tmp.File("run")), "3x32x32", "1x28x28");
    }

    [Fact]
    public void Damaged_image_found_while_training()
    {
        // Image folders are decoded batch by batch, so a damaged file surfaces inside the running engine: it must
        // still end the run with one line naming the file.
        using var tmp = new TempDir();
        string data = tmp.File("photos");
        foreach (string cls in new[] { "cat", "dog" })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(data, "train", cls));
            Directory.CreateDirectory(System.IO.Path.Combine(data, "val", cls));
            using var bitmap = new SkiaSharp.SKBitmap(30, 20);
            bitmap.Erase(cls == "cat" ? SkiaSharp.SKColors.Orange : SkiaSharp.SKColors.Gray);
            using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(System.IO.Path.Combine(data, "train", cls, "1.png"), png.ToArray());
            File.WriteAllBytes(System.IO.Path.Combine(data, "val", cls, "1.png"), png.ToArray());
        }
        File.WriteAllText(System.IO.Path.Combine(data, "train", "dog", "broken.jpg"), "not a JPEG");
        var preset = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(Cli.RepoRoot, "src", "Neuromorphic.Learning", "Presets", "mnist-small.json")))!;
        preset["classes"] = 2;
        string presetFile = tmp.File("two-classes.json");
        File.WriteAllText(presetFile, preset.ToJsonString());

        Cli.AssertUserError(Cli.Run("train", "--preset", presetFile, "--data", data, "--out", tmp.File("run")), "broken.jpg", "cannot decode");
    }

    [Fact]
    public void Child_process_gives_the_same_exit_codes_and_one_line_errors()
    {
        // The real process: host start-up and exit code as a shell sees them.
        var help = Cli.RunProcess("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("hardware", help.Out);
        Cli.AssertUserError(Cli.RunProcess("trian"), "unknown command");
        Cli.AssertUserError(Cli.RunProcess("hardware", "validate", "no-such-chip.yaml"), "no-such-chip.yaml");
    }
}
