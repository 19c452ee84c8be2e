namespace Neuromorphic.Cli.Tests;

/// <summary>`hardware list|show|validate` on the shipped chip files and on broken ones.</summary>
public class HardwareCommandTests
{
    static string ModelsFolder => Path.Combine(Cli.RepoRoot, "hardware-models");

    static string[] ShippedFiles => Directory.GetFiles(ModelsFolder, "*.yaml").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void List_shows_every_chip_file_with_its_figures()
    {
        var r = Cli.Run("hardware", "list");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var column in new[] { "chip", "process", "cores", "neurons/core", "weight bits", "on-chip learning", "file" })
            Assert.Contains(column, lines[0]);
        Assert.Equal(ShippedFiles.Length, lines.Length - 2); // header, rule, one row per file
        foreach (var file in ShippedFiles)
            Assert.Contains(lines, l => l.TrimEnd().EndsWith(Path.GetFileName(file), StringComparison.Ordinal));
        var loihi = lines.Single(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Loihi\s{2,}"));
        Assert.Contains("14 nm", loihi);
        Assert.Contains("128", loihi);
        Assert.Contains("1,024", loihi);
        Assert.Contains(" 9 ", loihi);
        Assert.Contains("yes", loihi);
    }

    [Fact]
    public void Show_a_board_gives_its_chips_links_and_barrier_beside_the_chips_figures()
    {
        var r = Cli.Run("hardware", "show", Path.Combine(ModelsFolder, "boards", "nahuku32.yaml"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("Nahuku 32 (32 x Loihi) ", r.Out);
        Assert.Contains("32 x Loihi, 4 x 8", r.Out);
        Assert.Contains("48 pJ and 50 ns per message and link crossed", r.Out);
        Assert.Contains("5.8 µs after each step once a run uses more than one chip", r.Out);
        Assert.Contains("4,096", r.Out);     // the board's cores
        Assert.Contains("23.6 pJ", r.Out);   // the chip's synaptic op
    }

    [Theory]
    [InlineData("Loihi")]
    [InlineData("loihi")]
    [InlineData("loihi.yaml")]
    [InlineData("hardware-models/loihi.yaml")]
    public void Show_finds_a_chip_by_name_or_file(string what)
    {
        var r = Cli.Run("hardware", "show", what.Replace("hardware-models/", ModelsFolder + "/", StringComparison.Ordinal));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("Loihi ", r.Out);
    }

    [Fact]
    public void Show_prints_every_figure_with_its_unit()
    {
        var r = Cli.Run("hardware", "show", "Loihi");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var expected in new[]
        {
            "14 nm", "none (asynchronous)", "104 mW", "event-driven", "32 bit",   // chip
            "8 x 4 routers, 4 cores per router", "links buffer 16 messages",     // mesh
            "1,024", "128 KiB", "1,048,576 bit", "4,096 input axons", "dendritic", "9 bit", // core limits
            "23.6 pJ", "81 pJ", "52 pJ", "120 pJ", "1.7 pJ", "3.5 pJ",            // energy
            "3.5 ns", "8.4 ns", "5.3 ns", "6.1 ns", "2.1 ns",                     // latency
            "barrier, 465 ns",                                                    // time step
        })
            Assert.Contains(expected, r.Out);
    }

    [Fact]
    public void Show_works_for_every_shipped_chip()
    {
        foreach (var file in ShippedFiles)
        {
            var r = Cli.Run("hardware", "show", file);
            Assert.True(r.ExitCode == 0, $"{file}: {r}");
            Assert.Contains("energy per operation", r.Out);
            Assert.DoesNotContain("NaN", r.Out);
        }
    }

    [Fact]
    public void Validate_accepts_every_shipped_file_and_the_folder()
    {
        foreach (var file in ShippedFiles.Append(ModelsFolder))
        {
            var r = Cli.Run("hardware", "validate", file);
            Assert.True(r.ExitCode == 0, $"{file}: {r}");
            Assert.StartsWith("ok", r.Out);
            Assert.Equal("", r.Err);
        }
    }

    [Fact]
    public void Validate_reports_a_located_error_for_a_malformed_file()
    {
        using var tmp = new TempDir();
        string broken = tmp.File("broken.yaml");
        // A valid file with one energy written in the wrong unit.
        string text = File.ReadAllText(Path.Combine(ModelsFolder, "loihi.yaml"));
        string damaged = text.Replace("synaptic_op: 23.6 pJ", "synaptic_op: 23.6 ns", StringComparison.Ordinal);
        Assert.NotEqual(text, damaged);
        File.WriteAllText(broken, damaged);
        int line = damaged.Split('\n').ToList().FindIndex(l => l.Contains("synaptic_op: 23.6 ns", StringComparison.Ordinal)) + 1;

        var r = Cli.Run("hardware", "validate", broken);
        Cli.AssertUserError(r, $"{broken}:{line}: energy.synaptic_op: ");
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("format: 1\nchip: [unclosed\n", "(syntax)")]
    [InlineData("format: 1\nchip:\n  name: X\n", "chip.process")]
    [InlineData("not yaml at all: : :\n\t- ]", ":")]
    [InlineData("", ":")]
    public void Broken_yaml_gives_one_located_line(string yaml, string mention)
    {
        using var tmp = new TempDir();
        string broken = tmp.File("broken.yaml");
        File.WriteAllText(broken, yaml);
        Cli.AssertUserError(Cli.Run("hardware", "validate", broken), broken + ":", mention);
        Cli.AssertUserError(Cli.Run("hardware", "show", broken), broken + ":");
        Cli.AssertUserError(Cli.Run("hardware", "list", "--dir", tmp.Path), broken + ":");
        Cli.AssertUserError(Cli.Run("hardware", "validate", tmp.Path), broken + ":");
    }

    [Fact]
    public void List_still_shows_the_good_chips_beside_a_broken_file()
    {
        using var tmp = new TempDir();
        File.Copy(Path.Combine(ModelsFolder, "loihi.yaml"), tmp.File("loihi.yaml"));
        File.WriteAllText(tmp.File("zz-broken.yaml"), "format: 2\n");
        var r = Cli.Run("hardware", "list", "--dir", tmp.Path);
        Cli.AssertUserError(r, "zz-broken.yaml:1: format:");
        Assert.Contains("Loihi", r.Out);
    }

    [Fact]
    public void Nonexistent_hardware_file()
    {
        using var tmp = new TempDir();
        string missing = tmp.File("no-such-chip.yaml");
        Cli.AssertUserError(Cli.Run("hardware", "validate", missing), "no-such-chip.yaml", "does not exist");
        Cli.AssertUserError(Cli.Run("hardware", "show", missing), "no-such-chip.yaml", "does not exist");
        Cli.AssertUserError(Cli.Run("hardware", "list", "--dir", tmp.File("no-such-folder")), "no-such-folder");
    }

    [Fact]
    public void Unknown_chip_name_lists_the_chips() =>
        Cli.AssertUserError(Cli.Run("hardware", "show", "Loihi 7"), "Loihi 7", "TrueNorth");

    [Theory]
    [InlineData(new string[] { "hardware" }, "list, show or validate")]
    [InlineData(new[] { "hardware", "lst" }, "'lst'")]
    [InlineData(new[] { "hardware", "show" }, "chip")]
    [InlineData(new[] { "hardware", "validate" }, "chip file")]
    [InlineData(new[] { "hardware", "list", "--verbosity" }, "--verbosity")] // --verbose is the tool's own switch (stack traces)
    [InlineData(new[] { "hardware", "validate", "a.yaml", "b.yaml" }, "'b.yaml'")]
    public void Hardware_usage_mistakes(string[] args, string mention) =>
        Cli.AssertUserError(Cli.Run(args), mention);
}
