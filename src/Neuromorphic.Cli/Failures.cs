using Neuromorphic.Cli.Commands;
using Neuromorphic.Datasets;
using Neuromorphic.Datasets.Download;
using Neuromorphic.Engine;
using Neuromorphic.Hardware;
using Neuromorphic.Interop.Nir;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli;

/// <summary>
/// The one place that turns a failure into what the user sees: one `error:` line and an exit code (documented in
/// docs/reliability.md). The stack trace is printed only with --verbose.
/// </summary>
public static class Failures
{
    /// <summary>Bad input: an option, a file (dataset, preset, chip model, run directory), or a network that does not fit.</summary>
    public const int UserError = 2;
    /// <summary>The machine refused: a file that cannot be read or written (permissions, disk full), not enough memory.</summary>
    public const int SystemError = 3;
    /// <summary>A bug in this tool: the message says so and asks for --verbose and a report.</summary>
    public const int InternalError = 70;
    /// <summary>Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>The exit code and the one-line message for <paramref name="failure"/>.</summary>
    public static (int ExitCode, string Message) Describe(Exception failure)
    {
        // A failure inside an actor stops the run through the engine: report the original, naming the actor.
        string where = "";
        while (failure is ActorFailedException { InnerException: { } inner } actor)
        {
            where = $" (in actor '{actor.ActorName}')";
            failure = inner;
        }
        while (failure is AggregateException { InnerExceptions.Count: 1 } aggregate) failure = aggregate.InnerExceptions[0];

        return failure switch
        {
            UserErrorException or DatasetFormatException or DatasetMismatchException or DatasetDownloadException
                or PresetFormatException or HardwareModelException or MappingException or CheckpointFormatException
                or ResumeMismatchException or ChipCostException or MemoryBudgetException or NirFormatException
                => (UserError, OneLine(failure.Message) + where),
            OperationCanceledException => (Cancelled, "cancelled."),
            FileNotFoundException or DirectoryNotFoundException => (UserError, OneLine(failure.Message) + where),
            UnauthorizedAccessException or IOException => (SystemError, OneLine(failure.Message) + where),
            OutOfMemoryException or InsufficientMemoryException =>
                (SystemError, "out of memory" + where + ": the command needs more memory than this machine gives it (a smaller network, " +
                              "batch size or --limit-train needs less)"),
            _ => (InternalError, $"internal error{where}: {failure.GetType().Name}: {OneLine(failure.Message)} " +
                                 "(a bug in neuromorphic; rerun with --verbose for the stack trace and report it)"),
        };
    }

    /// <summary>Messages that span lines (graph validation lists) become one line.</summary>
    static string OneLine(string message) =>
        string.Join("; ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace(":; ", ": ");
}
