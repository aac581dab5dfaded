using System.CommandLine;
using System.Globalization;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff train</c>: train a score network per time slice and measure the training time. This file holds the
/// command and its dispatch; <see cref="LinearTrainCommand"/> runs population and empirical training,
/// <see cref="SampleTrainCommand"/> training on samples; <see cref="TrainInputs"/> reads their data.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var options = new TrainOptions();
        var command = new Command("train",
            "Train a score network per diffusion-time slice and measure the training time. Targets (--model): the Gaussian " +
            "O(n -> inf) field (default), finite-n O(n) spins or phi^4 through their Monte Carlo data. Linear networks (one-layer, " +
            "two-layer, local, deep, dense): optimizer steps until the population excess loss falls below eps x its initial value " +
            "(docs/science.md section 6); a linear network sees data only through G(k) (docs/science.md section 10), so --spectrum and " +
            "--data on ensembles (critdiff ensemble) replace the model's C(k) by the measured G(k) (with --model gaussian the model options then only give " +
            "the lattice). Nonlinear conv:... networks (and any network with --mode samples) train by denoising score matching on " +
            "samples, with the training time against a validation reference or the exact excess (--stop). Exits 3 if training diverges " +
            "(results written).");
        options.AddTo(command);

        command.SetAction(result =>
        {
            var o = output(result.GetValue(options.Json));
            var targetModel = options.Target.Build(result, options.Model);
            string archText = result.GetValue(options.Arch)!;
            // A family without the moment objective (conv:...) trains on samples only; a malformed name of it is refused there.
            bool isConv = NetworkCatalog.FamilyOf(archText) is { SamplesOnly: true };
            string modeText = result.GetValue(options.Mode) ?? (isConv ? "samples" : "population");
            if (isConv && modeText != "samples")
                throw new UsageException($"--arch {archText}: a nonlinear network trains on samples only: use --mode samples (the default for conv:...)");
            if (modeText != "samples")
                foreach (var option in options.Samples.All)
                    if (result.GetResult(option) is { Implicit: false })
                        throw new UsageException($"{option.Name} applies only with --mode samples (got --mode {modeText}); drop it or add --mode samples");
            RefuseUnused(result, options, modeText, IsTimeConditioned(archText));
            return modeText == "samples"
                ? SampleTrainCommand.Run(result, o, options, targetModel, archText)
                : LinearTrainCommand.Run(result, o, options, targetModel, modeText);
        });
        return command;
    }

    /// <summary>
    /// Refuses options given explicitly that this run would not use (issue 24: silently ignored options): the minibatch in
    /// population mode, the slice grid's settings without --slices, momentum for Adam.
    /// </summary>
    private static void RefuseUnused(ParseResult result, TrainOptions options, string modeText, bool timeConditioned)
    {
        bool Given(Option option) => result.GetResult(option) is { Implicit: false };
        if (timeConditioned) return; // its own checks: ConditionedTrainCommand
        if (modeText == "population" && Given(options.Batch))
            throw new UsageException("--batch applies only with --mode empirical or samples (population training uses the exact loss, no minibatch); drop it or choose a mode with minibatches");
        if (result.GetValue(options.Slices) is null)
            foreach (Option option in new Option[] { options.TMin, options.TMax, options.Spacing })
                if (Given(option))
                    throw new UsageException($"{option.Name} applies only with --slices (a single slice at --t is trained otherwise); drop it or give --slices");
        string optimizer = result.GetValue(options.Optimizer) ?? (modeText == "samples" ? "adam" : "gd");
        if (Given(options.Momentum) && optimizer == "adam")
            throw new UsageException("--momentum applies only to --optimizer gd or sgd (Adam keeps its own moments); drop it or choose gd/sgd");
    }

    /// <summary>True for the name of a time-conditioned network (a malformed name is refused later, by the path that parses it).</summary>
    private static bool IsTimeConditioned(string archText)
    {
        try
        {
            return ScoreModelSpec.Parse(archText).IsTimeConditioned;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Refuses an --out folder that holds another kind of run (a sweep, a critical-point search).</summary>
    internal static void CheckOutFolder(string dir)
    {
        try
        {
            TrainingRunFolder.CheckIsTrainingFolder(dir);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"--out: {e.Message}");
        }
    }

    /// <summary>--basis: kernel or fourier.</summary>
    internal static ParameterBasis ParseBasis(string? text) => text switch
    {
        "kernel" => ParameterBasis.Kernel,
        "fourier" => ParameterBasis.Fourier,
        var other => throw new UsageException($"--basis must be kernel or fourier (got {other})"),
    };

    /// <summary>"--arch NAME: why" for an architecture the lattice refuses.</summary>
    internal static UsageException ArchError(string arch, ArgumentException e) =>
        new($"--arch {arch}: {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");

    internal static T Parse<T>(string option, string text, Func<string, T> parse)
    {
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException($"{option}: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    /// <summary>The single slice trained when neither --t nor --slices is given (scaling's default).</summary>
    public const double DefaultTime = 0.1;

    internal static TimeGrid Grid(double? t, int? slices, double tMin, string tMaxText, string spacing, ForwardProcess process, double susceptibility)
    {
        if (t is not null && slices is not null) throw new UsageException("give either --t or --slices, not both");
        if (t is { } single)
        {
            if (!(single > 0 && double.IsFinite(single))) throw new UsageException($"--t must be > 0 (got {single})");
            return TimeGrid.Single(single);
        }
        // Neither --t nor --slices: one slice at t = 0.1, as in scaling.
        if (slices is null) return TimeGrid.Single(DefaultTime);
        int n = Limits.Count("--slices", slices.Value, 1, Limits.MaxSlices);
        if (!(tMin > 0 && double.IsFinite(tMin))) throw new UsageException($"--t-min must be > 0 (got {tMin})");
        double tMax = tMaxText == "auto"
            ? process.AutoFinalTime(susceptibility, 1e-3)
            : NumericOptions.TryReal(tMaxText, out double x) && x > 0
                ? x
                : throw new UsageException($"--t-max must be auto or a number > 0 (got {tMaxText})");
        if (n > 1 && !(tMax > tMin)) throw new UsageException($"--t-max ({tMax:G4}) must be larger than --t-min ({tMin:G4})");
        return spacing switch
        {
            "log" => TimeGrid.LogSpaced(n, tMin, tMax),
            "uniform" => TimeGrid.Uniform(n, tMin, tMax),
            _ => throw new UsageException($"--spacing must be log or uniform (got {spacing})"),
        };
    }

    internal static double? AutoOrPositive(string option, string text, bool allowZero)
    {
        if (text == "auto") return null;
        if (NumericOptions.TryReal(text, out double x) && (x > 0 || (allowZero && x == 0)))
            return x;
        throw new UsageException($"{option} must be auto or a number {(allowZero ? ">= 0" : "> 0")} (got {text})");
    }

    /// <summary>
    /// The one name of a slice on progress lines, "slice j/N t=T" with j its index in the grid (not the order slices
    /// finish in: issue 24 had "slice 6/16 t=8.421: training" and then "slice 9/16 t=8.421: not converged").
    /// </summary>
    internal static string SliceName(TimeGrid grid, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"slice {index + 1}/{grid.Count} t={grid.Times[index]:G4}");

    /// <summary><see cref="SliceName(TimeGrid, int)"/> of the slice at diffusion time <paramref name="time"/>.</summary>
    internal static string SliceName(TimeGrid grid, double time)
    {
        int index = -1;
        for (int j = 0; j < grid.Count && index < 0; j++)
            if (grid.Times[j] == time) index = j;
        return index >= 0 ? SliceName(grid, index) : string.Create(CultureInfo.InvariantCulture, $"t={time:G4}");
    }
}
