using System.Diagnostics;
using Neuromorphic.Datasets;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli;

/// <summary>
/// Progress of long phases: a live bar with rate and time left on a terminal, plain log lines every
/// few seconds when the output is a file or a CI log. Used for training and for dataset downloads.
/// </summary>
public sealed class ConsoleProgress : IRunProgress
{
    readonly bool _interactive = !Console.IsOutputRedirected;
    readonly TimeSpan _logEvery;
    readonly Stopwatch _clock = new();
    string _phase = "";
    string _unit = "";
    long _total, _done;
    TimeSpan _lastDraw;

    public ConsoleProgress(TimeSpan? logEvery = null) => _logEvery = logEvery ?? TimeSpan.FromSeconds(10);

    public void Begin(string phase, long total, string unit)
    {
        lock (_clock)
        {
            (_phase, _total, _unit, _done) = (phase, total, unit, 0);
            _clock.Restart();
            _lastDraw = TimeSpan.Zero;
            if (!_interactive) Console.WriteLine($"[{Stamp()}] {phase}: {total:N0} {unit}");
        }
    }

    public void Advance(long done)
    {
        lock (_clock)
        {
            _done = done;
            var now = _clock.Elapsed;
            var every = _interactive ? TimeSpan.FromMilliseconds(200) : _logEvery;
            if (now - _lastDraw < every && done < _total) return;
            _lastDraw = now;
            double rate = done / Math.Max(now.TotalSeconds, 1e-9);
            string left = rate > 0 && _total > done ? TimeSpan.FromSeconds((_total - done) / rate).ToString(@"hh\:mm\:ss") : "--:--:--";
            if (_interactive)
            {
                int width = 30, filled = _total > 0 ? (int)(width * Math.Min(1.0, (double)done / _total)) : 0;
                Console.Write($"\r{_phase} [{new string('#', filled)}{new string('.', width - filled)}] {done:N0}/{_total:N0} {_unit}  {rate:F1}/s  left {left}   ");
            }
            else
                Console.WriteLine($"[{Stamp()}] {_phase}: {done:N0}/{_total:N0} {_unit} ({100.0 * done / Math.Max(_total, 1):F0} %), {rate:F1} {_unit}/s, left {left}");
        }
    }

    public void End(string summary)
    {
        lock (_clock)
        {
            if (_interactive) Console.Write("\r" + new string(' ', Math.Min(Console.WindowWidth > 0 ? Console.WindowWidth - 1 : 120, 160)) + "\r");
            Console.WriteLine($"[{Stamp()}] {_phase}: {summary}");
        }
    }

    public void Log(string line)
    {
        lock (_clock)
        {
            if (_interactive) Console.Write("\r");
            Console.WriteLine($"[{Stamp()}] {line}");
        }
    }

    static string Stamp() => DateTime.Now.ToString("HH:mm:ss");
}
