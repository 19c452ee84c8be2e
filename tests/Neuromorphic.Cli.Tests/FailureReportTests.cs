using Neuromorphic.Cli.Commands;
using Neuromorphic.Datasets;
using Neuromorphic.Engine;

namespace Neuromorphic.Cli.Tests;

/// <summary>Every failure is one error line and a documented exit code; run files from another model or damaged
/// ones are refused naming the file.</summary>
[Collection(TinyRunCollection.Name)]
public class FailureReportTests(TinyRun run)
{
    [Fact]
    public void Each_kind_of_failure_has_its_exit_code_and_one_line()
    {
        Assert.Equal((2, "bad option"), Failures.Describe(new UserErrorException("bad option")));
        var inActor = Failures.Describe(new ActorFailedException("input", null, new DatasetFormatException("x.idx", "truncated")));
        Assert.Equal(2, inActor.ExitCode);
        Assert.Equal("x.idx: truncated (in actor 'input')", inActor.Message);
        Assert.Equal(3, Failures.Describe(new IOException("No space left on device")).ExitCode);
        Assert.Equal((3, "out of memory: the command needs more memory than this machine gives it (a smaller network, batch size or --limit-train needs less)"),
            Failures.Describe(new OutOfMemoryException()));
        Assert.Equal(3, Failures.Describe(new UnauthorizedAccessException("denied")).ExitCode);
        Assert.Equal(130, Failures.Describe(new OperationCanceledException()).ExitCode);
        var bug = Failures.Describe(new NullReferenceException("Object reference not set"));
        Assert.Equal(70, bug.ExitCode);
        Assert.Contains("internal error", bug.Message);
        Assert.Contains("--verbose", bug.Message);
        Assert.Equal("a; b", Failures.Describe(new UserErrorException("a\n  b\n")).Message);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_to_the_error_line()
    {
        var quiet = Cli.Run("report", "--run", "/no/such/run");
        Cli.AssertUserError(quiet);
        var verbose = Cli.Run("report", "--run", "/no/such/run", "--verbose");
        Assert.Equal(2, verbose.ExitCode);
        Assert.Equal(quiet.ErrLines[0], verbose.ErrLines[0]);
        Assert.Contains("   at ", verbose.Err);
    }

    [Fact]
    public void A_file_made_from_another_model_is_refused_by_plot_and_report()
    {
        using var copy = CopyOfRun();
        string provenance = Path.Combine(copy.Path, RunDirectory.ProvenanceFile);
        Assert.True(File.Exists(provenance), "simulate should have recorded which model hardware.json was made from");
        File.WriteAllText(provenance, File.ReadAllText(provenance).Replace(RunDirectory.ModelChecksum(copy.Path), new string('0', 64)));
        foreach (var command in new[] { "plot", "report" })
            Cli.AssertUserError(Cli.Run(command, "--run", copy.Path), "hardware.json", "another model");
    }

    [Fact]
    public void A_damaged_run_file_is_one_error_naming_it()
    {
        using var copy = CopyOfRun();
        File.WriteAllText(Path.Combine(copy.Path, RunDirectory.MetricsFile), "{ \"preset\": ");
        Cli.AssertUserError(Cli.Run("plot", "--run", copy.Path), "metrics.json");
        File.WriteAllText(Path.Combine(copy.Path, RunDirectory.MetricsFile), "{ \"preset\": \"x\" }");
        Cli.AssertUserError(Cli.Run("report", "--run", copy.Path), copy.Path);
    }

    TempDir CopyOfRun()
    {
        var copy = new TempDir();
        foreach (string file in Directory.GetFiles(run.Run))
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        return copy;
    }
}
