using System.CommandLine;
using System.Reflection;

namespace CritDiff.Cli;

/// <summary>The critdiff command-line tool.</summary>
public static class Program
{
    /// <summary>Exit code for bad input.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a run that stopped on a condition the user must act on (e.g. divergence).</summary>
    public const int RunFailed = 3;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs a command line, writing results to <paramref name="stdout"/> and logs to <paramref name="stderr"/>.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        Output Make(bool json) => new(stdout, stderr, json);
        var root = new RootCommand(
            "CritDiff: does training a diffusion model slow down at a critical point like Monte Carlo does? " +
            "Targets: the Gaussian O(n -> inf) lattice field (everything exact), finite-n O(n) spins and phi^4 (Monte Carlo ensembles); " +
            "score networks: linear (one-layer, two-layer, local, deep, dense) and nonlinear local convolutions (conv:...). " +
            "Run 'critdiff reproduce' for the main experiments; the science is in docs/science.md.");
        root.Subcommands.Add(ModelCommand.Create(Make));
        root.Subcommands.Add(SampleCommand.Create(Make));
        root.Subcommands.Add(TrainCommand.Create(Make));
        root.Subcommands.Add(GenerateCommand.Create(Make));
        root.Subcommands.Add(ScalingCommand.Create(Make));
        root.Subcommands.Add(MergeCommand.Create(Make));
        root.Subcommands.Add(ReproduceCommand.Create(Make));
        root.Subcommands.Add(McmcCommand.Create(Make));
        root.Subcommands.Add(McmcScalingCommand.Create(Make));
        root.Subcommands.Add(StabilityCommand.Create(Make));
        root.Subcommands.Add(EnsembleCommand.Create(Make));
        root.Subcommands.Add(CriticalCommand.Create(Make));
        // The built-in --version reports the entry assembly, which is the test host under tests.
        foreach (var option in root.Options)
            if (option is VersionOption version) version.Action = new PrintVersion();
        NumericOptions.Attach(root);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // An unknown token says more than the "required command" error it causes at the root.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)) ?? parse.Errors[0];
            // A number that does not parse names the option the user typed: report it before a missing option.
            string message = (error.Message.StartsWith("Unrecognized", StringComparison.Ordinal) ? null : NumericOptions.FirstBadValue(parse))
                             ?? Friendly(error.Message);
            if (parse.CommandResult.Command is RootCommand && message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
                message = message.Replace("Unrecognized command or argument", "unknown command", StringComparison.Ordinal);
            stderr.WriteLine($"error: {message} (see 'critdiff {CommandName(parse)}--help')");
            return UsageError;
        }
        CreatedFolders.Begin();
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception e) when (Describe(e) is { } failure)
        {
            // A refused command leaves no output folder it created (what existed before stays).
            if (failure.Code == UsageError) CreatedFolders.RemoveAll();
            stderr.WriteLine($"error: {failure.Message}");
            return failure.Code;
        }
        finally
        {
            CreatedFolders.End();
        }
    }

    /// <summary>Rewrites System.CommandLine's type-conversion message in words (no CLR type names).</summary>
    private static string Friendly(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message,
            @"Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'");
        if (!match.Success) return message.TrimEnd('.');
        string type = match.Groups[3].Value;
        string expected = type.Contains("Double", StringComparison.Ordinal) ? "a number"
            : type.Contains("UInt64", StringComparison.Ordinal) ? "a non-negative integer"
            : type.Contains("Int32", StringComparison.Ordinal) ? "an integer" : "a value of the right type";
        return $"{match.Groups[2].Value} expects {expected} (got '{match.Groups[1].Value}')";
    }

    private static string CommandName(ParseResult parse) =>
        parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";

    /// <summary>Maps an exception to a one-line message and exit code; null lets it through (a bug).</summary>
    private static (string Message, int Code)? Describe(Exception e) => e switch
    {
        // Parallel jobs throw their failures wrapped: describe the one that matters (a full disk first) as if thrown alone.
        AggregateException all when Unwrap(all) is { } inner => Describe(inner),
        UsageException u => (u.Message, UsageError),
        RunFailedException r => (r.Message, RunFailed),
        ArgumentException a => (FirstLine(a.Message), UsageError),
        InvalidDataException d => (FirstLine(d.Message), UsageError),
        FormatException f => (FirstLine(f.Message), UsageError),
        IOException io when IsDiskFull(io) =>
            ($"out of disk space ({FirstLine(io.Message)}): free space or choose another --out; nothing half-written was kept", RunFailed),
        IOException io => (FirstLine(io.Message), 1),
        UnauthorizedAccessException ua => (FirstLine(ua.Message), 1),
        OperationCanceledException => ("cancelled", 130),
        _ => ($"unexpected failure: {e.GetType().Name}: {FirstLine(e.Message)}", 1),
    };

    /// <summary>The inner failure of a parallel loop: a full disk if any job hit one, else the first failure.</summary>
    private static Exception? Unwrap(AggregateException e)
    {
        var inner = e.Flatten().InnerExceptions;
        return inner.FirstOrDefault(x => x is IOException io && IsDiskFull(io)) ?? inner.FirstOrDefault();
    }

    /// <summary>ENOSPC (errno 28) or EDQUOT (122) on Unix; ERROR_HANDLE_DISK_FULL (39) or ERROR_DISK_FULL (112) on Windows.</summary>
    private static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or 122 or unchecked((int)0x80070027) or unchecked((int)0x80070070)
        || e.Message.Contains("No space left on device", StringComparison.Ordinal);

    private static string FirstLine(string message) =>
        message.Split('\n')[0].Replace(" (Parameter '", " ('", StringComparison.Ordinal).TrimEnd();

    private sealed class PrintVersion : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return 0;
        }
    }

    /// <summary>The tool's version.</summary>
    public static string Version => typeof(Program).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
