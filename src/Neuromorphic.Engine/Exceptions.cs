namespace Neuromorphic.Engine;

/// <summary>An actor threw; the run was stopped. The message names the actor and the event it was processing
/// (source, port, sequence, modeled time); <see cref="Exception.InnerException"/> is the original exception.</summary>
public sealed class ActorFailedException : Exception
{
    public ActorFailedException(string actorName, Event? failedEvent, Exception inner)
        : base(Describe(actorName, failedEvent, inner), inner)
    {
        ActorName = actorName;
        FailedEvent = failedEvent;
    }

    public string ActorName { get; }
    /// <summary>The event whose arrival triggered the failing step, or null for a source producing its stream.</summary>
    public Event? FailedEvent { get; }

    private static string Describe(string actorName, Event? ev, Exception inner) =>
        $"Actor '{actorName}' failed while processing " +
        (ev is { } e ? e.ToString() : "its input stream") +
        $": {inner.GetType().Name}: {inner.Message}";
}

/// <summary>The graph is not runnable; <see cref="Errors"/> lists each problem, naming actor and port.</summary>
public sealed class GraphValidationException(IReadOnlyList<string> errors)
    : Exception("Invalid network:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
