using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli;
using Neuromorphic.Cli.Commands;

// The `neuromorphic` tool: the generic host composes the libraries (configuration, logging, DI);
// the libraries themselves know nothing of the host.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = [],                        // our own words are parsed by CommandArguments
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<ICliCommand, DatasetsCommand>();
builder.Services.AddSingleton<ICliCommand, BenchCommand>();
builder.Services.AddSingleton<ICliCommand, TrainCommand>();
builder.Services.AddSingleton<ICliCommand, EvaluateCommand>();
builder.Services.AddSingleton<ICliCommand, SimulateCommand>();
builder.Services.AddSingleton<ICliCommand, HardwareCommand>();
builder.Services.AddSingleton<ICliCommand, PlotCommand>();
builder.Services.AddSingleton<ICliCommand, ReportCommand>();
builder.Services.AddSingleton<ICliCommand, DemoCommand>();
builder.Services.AddSingleton<ICliCommand, SpikingCommand>();
builder.Services.AddSingleton<ICliCommand, NirCommand>();
builder.Services.AddSingleton<ICliCommand, TuneCommand>();
builder.Services.AddSingleton<ICliCommand, ClusterCommand>();
using var host = builder.Build();
var commands = host.Services.GetServices<ICliCommand>().OrderBy(c => c.Name).ToList();

if (args is ["help", "--markdown"])
{
    // The README's command reference (a test keeps the README equal to this).
    Console.Write(CliHelp.Markdown(commands));
    return 0;
}
if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine("usage: neuromorphic COMMAND [options]   (neuromorphic COMMAND --help for details)\n");
    foreach (var c in commands) Console.WriteLine($"  {c.Name,-10} {c.Summary}");
    return args.Length == 0 ? 2 : 0;
}

var command = commands.FirstOrDefault(c => c.Name == args[0]);
if (command is null)
{
    Console.Error.WriteLine($"error: unknown command '{args[0]}'; commands: {string.Join(", ", commands.Select(c => c.Name))}.");
    return 2;
}
if (args.Skip(1).Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(CliHelp.Format(command));
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancel.IsCancellationRequested) return; // a second Ctrl-C ends the process at once
    e.Cancel = true;
    cancel.Cancel();
    Console.Error.WriteLine("cancelling: writing a checkpoint where one can be written (Ctrl-C again to quit at once)...");
};
var words = args.Skip(1).ToList();
// --verbose is the tool's own switch, for every command: a failure then also prints its stack trace.
bool verbose = words.Remove("--verbose");
try
{
    return await command.RunAsync(new CommandArguments(words, CliHelp.VerbFor(command, words)?.Options ?? command.Verbs.SelectMany(v => v.Options)), cancel.Token);
}
catch (Exception e)
{
    var (code, message) = Failures.Describe(e);
    Console.Error.WriteLine(code == Failures.Cancelled ? message : $"error: {message}");
    if (verbose) Console.Error.WriteLine(e);
    return code;
}
