using System.CommandLine;
using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff train --mode population|empirical</c> (linear networks): parse the options into a
/// <see cref="TrainingRequest"/>, run <see cref="TrainingRun"/>, print.
/// </summary>
internal static class LinearTrainCommand
{
    public static int Run(ParseResult result, Output o, TrainOptions options, LatticeModel targetModel, string modeText)
    {
        if (targetModel is not GaussianField && result.GetValue(options.Spectrum) is null && result.GetValue(options.Data) is null)
            throw new UsageException($"--model {targetModel.Kind}: training on a finite-n target needs its measured spectrum or data: " +
                                     "--spectrum FILE.npy or --mode empirical --data FILE.npy (make one with 'critdiff ensemble')");
        // A finite-n target enters only through the measured spectrum G(k); the Gaussian field then just carries the lattice.
        var field = targetModel as GaussianField ?? GaussianField.FreeField(targetModel.Lattice, 1);
        TrainInputs.CheckSideCar("--data", result.GetValue(options.Data), targetModel);
        TrainInputs.CheckSideCar("--spectrum", result.GetValue(options.Spectrum), targetModel);
        var architecture = TrainCommand.Parse("--arch", result.GetValue(options.Arch)!, NetworkCatalog.ParseMomentArchitecture);
        var parameterBasis = TrainCommand.ParseBasis(result.GetValue(options.Basis));
        var networkStart = CommonOptions.ParseStart(result.GetValue(options.Start)!);
        if (parameterBasis == ParameterBasis.Fourier && networkStart.IsRandom)
            throw new UsageException("--start random:S needs --basis kernel (Fourier parameters would give complex kernels)");
        var trainingMode = modeText switch
        {
            "population" => TrainingMode.Population,
            "empirical" => TrainingMode.Empirical,
            var other => throw new UsageException($"--mode must be population, empirical or samples (got {other})"),
        };
        var config = Config(result, options, trainingMode) with { Start = networkStart };
        var trainingData = TrainInputs.LoadData(result.GetValue(options.Data), field, trainingMode);
        var target = TrainInputs.TargetSpectrum(result.GetValue(options.Spectrum), result.GetValue(options.Reference), result.GetValue(options.Data), trainingData, field);
        // ve-geometric's default noise range from the spectrum trained on (measured, or the model's own).
        var process = options.Noise.Process(result, result.GetValue(options.Schedule)!,
            () => Diffusion.NoiseRange.FromSpectrum(target?.Mean ?? field.SpectrumTable()));
        var grid = TrainCommand.Grid(result.GetValue(options.Time), result.GetValue(options.Slices), result.GetValue(options.TMin), result.GetValue(options.TMax)!,
            result.GetValue(options.Spacing)!, process, target?.Susceptibility ?? field.Susceptibility);
        string? dir = result.GetValue(options.Folder) is { } f ? CommonOptions.CheckWritableFolder("--out", f) : null;
        int workers = CommonOptions.CheckThreads(result.GetValue(options.Threads));
        try
        {
            architecture.Validate(field.Lattice);
        }
        catch (ArgumentException e)
        {
            throw TrainCommand.ArchError(architecture.Name, e);
        }
        // Before the network is created: creating it allocates its parameters.
        Limits.Training("--arch", architecture, field.Lattice, grid.Count, Limits.Workers(workers), config.MaxSteps);
        int batch = trainingMode == TrainingMode.Empirical ? config.BatchSize : 0;
        Limits.Memory("--batch", 24.0 * batch * field.Lattice.SiteCount, $"a minibatch of {batch} x V = {field.Lattice.SiteCount} (data, noise, noised)");
        try
        {
            _ = LinearMomentNetwork.Create(field.Lattice, architecture, parameterBasis);
        }
        catch (ArgumentException e)
        {
            throw TrainCommand.ArchError(architecture.Name, e);
        }
        var problem = new TrainingProblem(field, process, grid, architecture, parameterBasis, trainingData) { TargetSpectrum = target };
        var request = new TrainingRequest(problem, config, targetModel is GaussianField ? TargetSummary.Gaussian(field) : TargetSummary.Of(targetModel))
        {
            Command = string.Join(' ', result.Tokens.Select(t => t.Value)),
            Target = targetModel,
        };
        if (dir is not null)
        {
            TrainCommand.CheckOutFolder(dir);
            TrainingRun.WriteConfig(dir, request, TrainingRun.Config(request));
        }
        o.Note($"training {architecture} on {field.Lattice}, {grid.Count} slice(s), {trainingMode.ToString().ToLowerInvariant()} {config.Optimizer.Name}, " +
               $"reference: {request.ReferenceName}" + (target is null ? "" : $" ({target.Source}, chi = {target.Susceptibility:G6})"));
        var trained = JobProgress.Run(o, "train", grid.Count, bar => TrainingRun.Run(request, workers, new SynchronousProgress<SliceResult>(s =>
            bar.Finished(TrainCommand.SliceName(grid, s.Time), $"{s.Steps} steps" + (s.Converged ? "" : s.Diverged ? " (diverged)" : " (not converged: step cap)")))));

        var summary = TrainingRun.Summary(request, trained);
        if (dir is not null) TrainingRun.WriteFolder(dir, request, trained, summary);
        if (o.Json) o.WriteJson(summary);
        else Print(o, problem, trained);
        if (trained.FirstDiverged is { } bad)
            throw new RunFailedException(
                $"training diverged at t = {bad.Time:G4} (step {bad.Steps}): learning rate {bad.LearningRate:G4} is too large; " +
                $"the population-GD stability limit 2/lambda_max is {bad.Moments!.StableLearningRate:G4}" +
                (trainingMode == TrainingMode.Empirical ? " and minibatch noise lowers it further: use a smaller --lr or a larger --batch" : ": use a smaller --lr"));
        return 0;
    }

    private static TrainingConfig Config(ParseResult result, TrainOptions options, TrainingMode mode)
    {
        string name = result.GetValue(options.Optimizer) ?? (mode == TrainingMode.Population ? "gd" : "sgd");
        if (name == "gd" && mode == TrainingMode.Empirical) throw new UsageException("--optimizer gd uses the exact population gradient: use --mode population, or sgd/adam");
        if (name == "sgd" && mode == TrainingMode.Population) throw new UsageException("--optimizer sgd needs minibatches: use --mode empirical, or gd/adam");
        double mu = result.GetValue(options.Momentum);
        if (!(mu >= 0 && mu < 1)) throw new UsageException($"--momentum must be in [0, 1) (got {mu})");
        var opt = TrainCommand.Parse("--optimizer", name, n => Optimizer.Parse(n, mu));
        double e = result.GetValue(options.Eps);
        if (!(e > 0 && e < 1)) throw new UsageException($"--eps must be in (0, 1) (got {e})");
        int cap = Limits.Count("--max-steps", result.GetValue(options.MaxSteps), 1, Limits.MaxSteps);
        int b = Limits.Count("--batch", result.GetValue(options.Batch), 1, Limits.MaxBatch);
        return new TrainingConfig
        {
            Mode = mode,
            Optimizer = opt,
            LearningRate = TrainCommand.AutoOrPositive("--lr", result.GetValue(options.Lr)!, allowZero: false),
            InitialScale = TrainCommand.AutoOrPositive("--init", result.GetValue(options.Init)!, allowZero: true),
            Eps = e,
            MaxSteps = cap,
            BatchSize = b,
            Seed = result.GetValue(options.Seed),
        };
    }

    private static void Print(Output o, TrainingProblem problem, TrainingResult trained)
    {
        var architecture = problem.Architecture;
        var table = new Table().AddColumn("t").AddColumn("lr").AddColumn("steps").AddColumn("predicted").AddColumn("converged")
            .AddColumn("final excess").AddColumn("optimum gap to exact");
        foreach (var s in trained.Slices)
            table.AddRow(Output.Format(s.Time), Output.Format(s.LearningRate), s.Steps.ToString(CultureInfo.InvariantCulture),
                s.Moments!.PredictedSteps?.ToString(CultureInfo.InvariantCulture) ?? "-",
                s.Converged ? "yes" : s.Diverged ? "diverged" : "no (cap)", Output.Format(s.FinalExcess), Output.Format(s.Moments!.OptimumGapToExact));
        var console = ModelCommand.Console(o);
        console.Write(table);
        console.WriteLine($"{architecture}: {architecture.ParameterCount(problem.Lattice)} parameters per slice; training time (max over slices) {trained.StepsMax} steps; {trained.WallSeconds:F2} s");
        if (problem.TargetSpectrum is { } g)
            console.WriteLine($"reference: data spectrum of {g.Source} ({g.Samples} configurations x {g.Components} components), chi = G(0) = {Stats.Format(g.Susceptibility, g.SusceptibilityError)}");
    }

    /// <summary>IProgress that runs the handler on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        private readonly Lock _gate = new();

        public void Report(T value)
        {
            lock (_gate) handler(value);
        }
    }
}
