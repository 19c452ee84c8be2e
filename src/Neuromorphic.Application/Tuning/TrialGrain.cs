using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Neuromorphic.Application.Tuning;

/// <summary>Where a trial grain stands: whether this activation has its run, and the outcome once it is done.</summary>
[GenerateSerializer, Immutable]
public sealed record TrialStatus([property: Id(0)] bool Started, [property: Id(1)] TrialOutcome? Outcome);

/// <summary>One trial run (a configuration and a seed) as an Orleans grain, keyed by its run directory. The caller starts
/// it and then polls it: a run takes minutes to hours, far longer than a call should wait, and a poll that fails or
/// finds a fresh activation is how the caller learns the silo went away. Started again on a live silo, the run
/// resumes from its last checkpoint.</summary>
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>Starts the run here unless it is already running; returns the silo it runs on.</summary>
    Task<string> StartAsync(TrialRequest request);
    /// <summary>The run's status; throws the run's error if it failed.</summary>
    Task<TrialStatus> PollAsync();
}

/// <summary>Trains off the Orleans scheduler, and stops (writing a checkpoint where the trainer can) when its silo stops.</summary>
public sealed class TrialGrain(IHostApplicationLifetime lifetime) : Grain, ITrialGrain
{
    private Task<TrialOutcome>? run;

    public Task<string> StartAsync(TrialRequest request)
    {
        run ??= Task.Run(() => TrialExecution.RunAsync(request, lifetime.ApplicationStopping));
        return Task.FromResult(RuntimeIdentity);
    }

    public async Task<TrialStatus> PollAsync()
    {
        if (run is null) return new TrialStatus(false, null);
        if (!run.IsCompleted) return new TrialStatus(true, null);
        try
        {
            // Name the silo, not the process: silos of a test cluster share one process.
            return new TrialStatus(true, await run with { RanOn = RuntimeIdentity });
        }
        catch
        {
            run = null; // a failed run may be started again (the retry decides)
            throw;
        }
    }
}

/// <summary>
/// Runs trials on a cluster: each (configuration, seed) is a grain, started and then polled. When a poll fails (its silo
/// is gone) or finds the grain without its run (it was activated afresh on another silo), the run is started again
/// there and continues from its checkpoint (waiting, there, for a stopping silo to let go of the run's directory).
/// </summary>
public sealed class ClusterTrialRunner(IGrainFactory grains, Action<string> log, int attempts = 20, TimeSpan? poll = null)
{
    /// <summary>Called with (run directory, silo) each time a run starts on a silo.</summary>
    public Action<string, string>? Started { get; init; }

    private readonly TimeSpan poll = poll ?? TimeSpan.FromSeconds(1);

    public async Task<TrialOutcome> RunAsync(TrialRequest request, CancellationToken ct)
    {
        var grain = grains.GetGrain<ITrialGrain>(request.Directory);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                string silo = await grain.StartAsync(request).WaitAsync(ct);
                Started?.Invoke(request.Directory, silo);
                while (true)
                {
                    await Task.Delay(poll, ct);
                    var status = await grain.PollAsync().WaitAsync(ct);
                    if (status.Outcome is { } outcome) return outcome;
                    if (!status.Started) throw new SiloUnavailableException($"the grain of {request.TrialId} seed {request.Seed} was activated afresh");
                }
            }
            catch (Exception e) when (attempt < attempts && Retryable(e))
            {
                log($"{request.TrialId} seed {request.Seed}: {e.GetType().Name} ({e.Message.Split('\n')[0]}); starting it again (attempt {attempt + 1} of {attempts})");
                await Task.Delay(poll * 2, ct);
            }
        }
    }

    // A lost silo, a lost connection, a timed-out call, or a run cancelled because its silo stopped.
    static bool Retryable(Exception e) =>
        e is OrleansException or TimeoutException or OperationCanceledException { CancellationToken.IsCancellationRequested: false };
}
