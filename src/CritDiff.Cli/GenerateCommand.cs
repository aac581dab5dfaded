using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary><c>critdiff generate</c>: run the reverse process of a trained or exact score; exact law, samples, reweighting.</summary>
internal static class GenerateCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        model.Dimension.Required = false;
        model.Length.Required = false;
        var modelDir = new Option<string?>("--model") { Description = "Trained model folder (the checkpoint/ of 'critdiff train --out'). Model options, if also given, must match its lattice." };
        var exact = new Option<bool>("--exact-score") { Description = "Use the exact score -1/S(k,t) of the model given by --d, --L and one parameterisation (continuous in t, or on --slices)." };
        var arch = new Option<string?>("--arch") { Description = "With --train-budget: the architecture to train (population GD, auto rate; default: one-layer)." };
        var budget = new Option<string?>("--train-budget") { Description = "Comma-separated step budgets, e.g. 1,2,4,8,...: KL per site (nats) of the generated law after training every slice that many population-GD steps (claim C2). Needs the model options; no samples are drawn." };
        var schedule = new Option<string>("--schedule") { Description = "Forward process for --exact-score / --train-budget: vp or ve.", DefaultValueFactory = _ => "vp" };
        var slices = new Option<int?>("--slices") { Description = "Exact score sampled on N log-spaced slices in [t-min, t-max] (default: continuous); with --train-budget the slices trained (default 16)." };
        var sampler = new Option<string>("--sampler")
        {
            Description = "sde-em (Euler-Maruyama), sde-exp (exponential integrator) or ode-heun (probability-flow ODE, Heun); for a model trained " +
                          "with --mode samples also pc (Euler-Maruyama predictor + one Langevin corrector step, SNR 0.16). There sde-exp treats only " +
                          "-f y exactly (the score is held over the step) and ode-heun integrates the exact divergence for each sample's log-density.",
            DefaultValueFactory = _ => "sde-exp",
        };
        var reference = new Option<string?>("--data")
        {
            Description = "With a model trained on samples: an ensemble .npy (e.g. the training data) whose observables and magnetisation " +
                          "histogram the samples are compared with (default: the training ensemble's Monte Carlo values stored with the model).",
        };
        var steps = new Option<int>("--steps") { Description = "Reverse steps K in 1..1000000, uniform in t from t-max down to t-min.", DefaultValueFactory = _ => 100 };
        var tMin = new Option<double?>("--t-min") { Description = "Where the reverse process stops (default: the model's first slice, or 1e-3)." };
        var tMax = new Option<string?>("--t-max") { Description = "Where it starts, a number or auto (a(T)^2 chi = 1e-3 b(T)^2); default: the model's last slice, or auto." };
        var interp = new Option<bool>("--interp") { Description = "Interpolate the score linearly in t between slices (default: nearest slice)." };
        var count = new Option<int>("--n") { Description = "Number of generated samples N (0: exact law only; 24 N V bytes must fit in 8 GiB).", DefaultValueFactory = _ => 256 };
        var file = new Option<string?>("--out") { Description = "Write the samples to this .npy file, shape [N, L, ..., L]." };
        var reweight = new Option<bool>("--reweight") { Description = "Exact importance weights p_target/p_generated: ESS/N, reweighted observables, independence Metropolis (needs N >= 4). " +
            "Warns (stderr and the JSON warnings) when ESS/N < 0.01 or ESS = N x ESS/N < 30: the corrected values are then unreliable." };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("generate",
            "Generate with the reverse SDE or probability-flow ODE of a trained model (--model) or of the exact score (--exact-score). " +
            "Reports the exact generated law (KL per site against the law at t-min and against the data, r(k) = v(k)/C(k), chi, xi2, energy), " +
            "measured observables of N samples, and with --reweight the exact importance-sampling correction. " + ModelMcmcOutput.Conventions);
        model.AddTo(command);
        foreach (var option in new Option[] { modelDir, exact, arch, budget, schedule, slices, sampler, steps, tMin, tMax, interp, count, file, reweight, reference, json, seed, threads })
            command.Options.Add(option);

        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            var clock = Stopwatch.StartNew();
            // An unreadable --model is reported where the linear path reads it, after the checks of the other options.
            var (trained, unreadable) = result.GetValue(modelDir) is { } modelPath ? LoadModel(modelPath) : (null, null);
            if (trained is { TrainedOnSamples: true })
                return SampleGenerateCommand.Run(result, o, result.GetValue(modelDir)!, trained, model, exact, arch, budget, schedule, slices, sampler, steps, tMin, tMax,
                    interp, count, file, reweight, reference, seed, threads);
            if (result.GetValue(reference) is not null)
                throw new UsageException("--data applies to models trained with --mode samples (a linear model's generated law is exact)");
            // --train-budget reports the exact KL of the trained laws: it draws no samples and builds its own score.
            CommonOptions.RefuseUnless(result, result.GetValue(budget) is null,
                "does not apply with --train-budget (it reports the exact KL per site of each trained law and draws no samples); drop it or drop --train-budget",
                count, file, reweight, modelDir, exact);
            var scheme = LinearSampler(result.GetValue(sampler)!);
            int k = Limits.Count("--steps", result.GetValue(steps), 1, Limits.MaxReverseSteps);
            int n = result.GetValue(count);
            if (n < 0) throw new UsageException($"--n must be >= 0 (got {n})");
            bool doReweight = result.GetValue(reweight);
            if (doReweight && n < 4) throw new UsageException($"--reweight needs --n >= 4 (got {n})");
            string? path = result.GetValue(file) is { } f ? CommonOptions.CheckWritableFile("--out", f) : null;
            if (path is not null && n < 1) throw new UsageException("--out needs --n >= 1");
            int workers = CommonOptions.CheckThreads(result.GetValue(threads));
            bool interpolate = result.GetValue(interp);

            if (result.GetValue(budget) is { } budgetText)
                return Budget(o, result, model, budgetText, arch, schedule, slices, tMin, tMax, scheme, k, interpolate, workers, clock);

            if (result.GetValue(arch) is not null)
                throw new UsageException("--arch applies only with --train-budget (a --model checkpoint has its own architecture)");
            CommonOptions.RefuseUnless(result, !result.GetValue(exact) || result.GetValue(slices) is not null,
                "applies only with --slices N or a --model checkpoint (the continuous exact score has no slices to interpolate between); drop it or add --slices N", interp);
            var (field, process, score, times) = Source(result, () => trained ?? throw unreadable!, model, modelDir, exact, schedule, slices, tMin, tMax, interpolate);
            if ((double)n * field.Lattice.SiteCount > Array.MaxLength)
                throw new UsageException($"--n: N x V = {(double)n * field.Lattice.SiteCount:G3} values do not fit in one array (max {Array.MaxLength})");
            // The samples and the reverse process's per-sample Fourier state.
            Limits.Memory("--n", 24.0 * n * field.Lattice.SiteCount, $"N = {n} samples on V = {field.Lattice.SiteCount} sites");
            double start = times.Max, stop = times.Min;
            var settings = Settings(scheme, k, start, stop);
            var reverse = new ReverseProcess(field.Lattice, process, score, settings);
            var law = new GeneratedLaw(field.Lattice, reverse.GeneratedVariance());
            var data = field.SpectrumTable();
            var atMin = process.NoisedSpectrumTable(data, settings.MinTime);
            var ratio = law.Ratio(data);

            FieldMeasurement? measured = null;
            ReweightingResult? corrected = null;
            if (n > 0)
            {
                o.Note($"generating {n} samples with {scheme.Name}, {k} steps, t from {settings.FinalTime:G4} to {settings.MinTime:G4} ...");
                var samples = reverse.Generate(n, result.GetValue(seed), workers);
                if (path is not null) NpyFile.Write(path, samples, [n, .. field.Lattice.Shape]);
                if (n >= 2) measured = FieldMeasurement.Measure(field.Lattice, samples, n);
                if (doReweight) corrected = Reweighting.Apply(field.Lattice, samples, n, law.Variance, data, result.GetValue(seed));
            }
            var summary = new JsonObject
            {
                ["sampler"] = scheme.Name,
                ["steps"] = k,
                ["n"] = n,
                ["out"] = path,
                ["t_max"] = settings.FinalTime,
                ["t_min"] = settings.MinTime,
                ["score_evaluations_per_sample"] = reverse.ScoreEvaluations,
                ["kl_per_site"] = Output.Number(law.KlPerSite(atMin)),
                ["kl_per_site_vs_data"] = Output.Number(law.KlPerSite(data)),
                ["r_min"] = ratio.Min(),
                ["r_max"] = ratio.Max(),
                ["exact"] = Observables(field.Susceptibility, field.SecondMomentCorrelationLength, field.Energy),
                ["generated_law"] = Observables(law.Susceptibility, law.SecondMomentLength, law.Energy),
                ["measured"] = Measured(measured),
                ["ess_per_sample"] = Output.Number(law.EffectiveSampleFraction(data)),
                ["ess_per_sample_measured"] = Output.Number(corrected?.EffectiveSampleFraction),
                ["metropolis_acceptance"] = Output.Number(corrected?.MetropolisAcceptance),
                ["reweighted"] = corrected is null ? null : Measured(corrected.Reweighted),
                ["metropolis"] = corrected is null ? null : Measured(corrected.Metropolis),
                ["model"] = ModelOptions.Describe(field),
                ["warnings"] = new JsonArray(Warnings(corrected, n).Select(w => (JsonNode?)w).ToArray()),
                ["wall_seconds"] = clock.Elapsed.TotalSeconds,
            };
            foreach (string warning in Warnings(corrected, n)) o.Note("warning: " + warning);
            if (o.Json) o.WriteJson(summary);
            else Print(o, summary);
            return 0;
        });
        return command;
    }

    private static int Budget(Output o, ParseResult result, ModelOptions model, string budgetText, Option<string?> arch,
        Option<string> schedule, Option<int?> slices, Option<double?> tMin, Option<string?> tMax, ReverseScheme scheme,
        int k, bool interpolate, int workers, Stopwatch clock)
    {
        var budgets = NumericOptions.Items("--train-budget", budgetText)
            .Select(b => NumericOptions.TryInteger(b, out int x) && x >= 0 && x <= Limits.MaxSteps ? x
                : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--train-budget must be a comma-separated list of step counts in 0..{Limits.MaxSteps} (got '{b}')"))).ToArray();
        if (budgets.Length == 0) throw new UsageException("--train-budget must list at least one step count");
        if (result.GetValue(model.Dimension) == 0) throw new UsageException("--train-budget needs the model options --d, --L and one parameterisation");
        var field = model.Build(result);
        var process = Parse("--schedule", result.GetValue(schedule)!, ForwardProcess.Parse);
        var architecture = Parse("--arch", result.GetValue(arch) ?? "one-layer", Architecture.Parse);
        if (architecture.IsDense) throw new UsageException("--arch dense: generation needs a convolution architecture");
        try
        {
            architecture.Validate(field.Lattice);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--arch {architecture.Name}: {e.Message.Split(" (Parameter")[0]}");
        }
        double low = result.GetValue(tMin) ?? 1e-3;
        double high = TimeOption(result.GetValue(tMax), process, field);
        int n = Limits.Count("--slices", result.GetValue(slices) ?? 16, 2, Limits.MaxSlices);
        CheckTimes(low, high);
        Limits.Training("--arch", architecture, field.Lattice, n, Limits.Workers(workers), Math.Max(1, budgets.Max()), "--train-budget");
        double parameters = architecture.Layers.Sum(layer => (double)layer.ParameterCount(field.Lattice));
        Limits.Memory("--train-budget", 8.0 * budgets.Distinct().Count() * n * parameters, $"snapshots of {n} slice(s) at {budgets.Distinct().Count()} budget(s)");
        var grid = TimeGrid.LogSpaced(n, low, high);
        var problem = new TrainingProblem(field, process, grid, architecture);
        o.Note($"training {architecture} on {field.Lattice}, {n} slices, budgets {string.Join(",", budgets)} ...");
        var points = TrainingBudget.Sweep(problem, new TrainingConfig(), budgets, Settings(scheme, k, high, low), interpolate, workers);
        var summary = new JsonObject
        {
            ["arch"] = architecture.Name,
            ["sampler"] = scheme.Name,
            ["steps"] = k,
            ["slices"] = n,
            ["budgets"] = new JsonArray(points.Select(p => (JsonNode?)new JsonObject
            {
                ["train_steps"] = p.Steps,
                ["kl_per_site"] = Output.Number(p.KlPerSite),
                ["kl_per_site_vs_data"] = Output.Number(p.KlPerSiteVsData),
                ["r_min"] = Output.Number(p.RatioMin),
                ["r_max"] = Output.Number(p.RatioMax),
            }).ToArray()),
            ["model"] = ModelOptions.Describe(field),
            ["wall_seconds"] = clock.Elapsed.TotalSeconds,
        };
        if (o.Json) o.WriteJson(summary);
        else
        {
            var table = new Table().AddColumn("train steps").AddColumn("KL/site (vs t_min law)").AddColumn("KL/site (vs data)").AddColumn("r min").AddColumn("r max");
            foreach (var p in points)
                table.AddRow(p.Steps.ToString(CultureInfo.InvariantCulture), Output.Format(p.KlPerSite), Output.Format(p.KlPerSiteVsData),
                    Output.Format(p.RatioMin), Output.Format(p.RatioMax));
            ModelCommand.Console(o).Write(table);
        }
        return 0;
    }

    private static (GaussianField Field, ForwardProcess Process, ScoreSchedule Score, (double Min, double Max) Times) Source(
        ParseResult result, Func<TrainedModel> checkpoint, ModelOptions model, Option<string?> modelDir, Option<bool> exact, Option<string> schedule,
        Option<int?> slices, Option<double?> tMin, Option<string?> tMax, bool interpolate)
    {
        string? dir = result.GetValue(modelDir);
        bool useExact = result.GetValue(exact);
        if ((dir is null) == !useExact) throw new UsageException("give exactly one of --model DIR and --exact-score");
        if (dir is not null)
        {
            // A checkpoint carries its own forward process and slices: refuse options that would be ignored.
            if (result.GetResult(schedule) is { Implicit: false })
                throw new UsageException("--schedule applies only with --exact-score or --train-budget (the --model checkpoint has its own process)");
            if (result.GetValue(slices) is not null)
                throw new UsageException("--slices applies only with --exact-score or --train-budget (the --model checkpoint has its own slices)");
            var loaded = checkpoint();
            var lattice = loaded.Target.Lattice;
            int d = result.GetValue(model.Dimension), l = result.GetValue(model.Length);
            if ((d != 0 && d != lattice.Dimension) || (l != 0 && l != lattice.Length))
                throw new UsageException($"--model: {dir} was trained on {lattice}, not on d={(d == 0 ? lattice.Dimension : d)}, L={(l == 0 ? lattice.Length : l)}");
            ScoreSchedule score;
            try
            {
                score = loaded.MultiplierSchedule(interpolate);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--model: {e.Message.Split(" (Parameter")[0]}");
            }
            double low = result.GetValue(tMin) ?? loaded.Times.Min();
            double high = result.GetValue(tMax) is { } text ? TimeOption(text, loaded.Process, loaded.GaussianTarget) : loaded.Times.Max();
            CheckTimes(low, high);
            return (loaded.GaussianTarget, loaded.Process, score, (low, high));
        }
        if (result.GetValue(model.Dimension) == 0 || result.GetValue(model.Length) == 0)
            throw new UsageException("--exact-score needs the model options --d, --L and one parameterisation");
        var field = model.Build(result);
        var process = Parse("--schedule", result.GetValue(schedule)!, ForwardProcess.Parse);
        double min = result.GetValue(tMin) ?? 1e-3;
        double max = TimeOption(result.GetValue(tMax), process, field);
        CheckTimes(min, max);
        if (result.GetValue(slices) is { } count)
        {
            Limits.Count("--slices", count, 1, Limits.MaxSlices);
            return (field, process, ScoreSchedule.ExactOnGrid(field, process, TimeGrid.LogSpaced(count, min, max), interpolate), (min, max));
        }
        return (field, process, ScoreSchedule.Exact(field, process), (min, max));
    }

    /// <summary>The --model checkpoint (<see cref="ModelCheckpoint"/>, any format), or the error naming --model that an unreadable one gives.</summary>
    private static (TrainedModel? Model, UsageException? Error) LoadModel(string dir)
    {
        try
        {
            return (ModelCheckpoint.Load(dir), null);
        }
        catch (InvalidDataException e)
        {
            return (null, new UsageException($"--model: {e.Message}"));
        }
    }

    /// <summary>The --sampler names, the one list: the linear schemes of <see cref="ReverseScheme"/> and pc (models trained on samples only).</summary>
    public static readonly IReadOnlyList<string> Samplers = ["sde-em", "sde-exp", "ode-heun", "pc"];

    /// <summary>The usage error for a --sampler name that is none of <see cref="Samplers"/>.</summary>
    public static UsageException UnknownSampler(string name) =>
        new($"--sampler must be one of {string.Join(", ", Samplers)} (pc only for a model trained with --mode samples; got '{name}')");

    /// <summary>A sampler for a linear score (exact score, linear checkpoint, --train-budget): any of <see cref="Samplers"/> but pc.</summary>
    private static ReverseScheme LinearSampler(string name)
    {
        if (name.Equals("pc", StringComparison.OrdinalIgnoreCase))
            throw new UsageException("--sampler pc applies only with a --model trained with --mode samples; drop it or use sde-em, sde-exp or ode-heun");
        if (!Samplers.Contains(name, StringComparer.OrdinalIgnoreCase)) throw UnknownSampler(name);
        return Parse("--sampler", name, ReverseScheme.Parse);
    }

    private static double TimeOption(string? text, ForwardProcess process, GaussianField field) =>
        text is null or "auto" ? process.AutoFinalTime(field.Susceptibility, 1e-3)
        : NumericOptions.TryReal(text, out double x) && x > 0 ? x
        : throw new UsageException($"--t-max must be auto or a number > 0 (got {text})");

    private static void CheckTimes(double low, double high)
    {
        if (!(low > 0 && double.IsFinite(low))) throw new UsageException($"--t-min must be > 0 (got {low})");
        if (!(high > low)) throw new UsageException($"--t-max ({high:G4}) must be larger than --t-min ({low:G4})");
    }

    private static GenerationSettings Settings(ReverseScheme scheme, int steps, double high, double low) => new(scheme, steps, high, low);

    private static T Parse<T>(string option, string text, Func<string, T> parse)
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

    private static JsonObject Observables(double chi, double xi2, double energy) => new()
    {
        ["chi"] = Output.Number(chi),
        ["xi2"] = Output.Number(xi2),
        ["energy"] = Output.Number(energy),
    };

    private static JsonObject? Measured(FieldMeasurement? m) => m is null ? null : new JsonObject
    {
        ["chi"] = Output.Number(m.Susceptibility.Mean),
        ["chi_err"] = Output.Number(m.Susceptibility.Error),
        ["xi2"] = Output.Number(m.SecondMomentLength.Mean),
        ["xi2_err"] = Output.Number(m.SecondMomentLength.Error),
        ["energy"] = Output.Number(m.Energy.Mean),
        ["energy_err"] = Output.Number(m.Energy.Error),
    };

    /// <summary>The run's warnings: a low effective sample size of the importance weights (<see cref="ImportanceWeights.LowEssWarning"/>).</summary>
    private static string[] Warnings(ReweightingResult? corrected, int n) =>
        corrected is not null && ImportanceWeights.LowEssWarning(corrected.EffectiveSampleFraction, n) is { } low ? [low] : [];

    /// <summary>
    /// Two tables within 100 columns: the scalar results (six significant digits), then one row per observable with the
    /// exact and generated-law values and the measured, reweighted and chain estimates as value +- error (<see cref="Stats.Format(double, double)"/>).
    /// </summary>
    private static void Print(Output o, JsonObject summary)
    {
        var table = new Table().AddColumn("quantity").AddColumn("value");
        foreach (string key in new[] { "sampler", "steps", "n", "t_max", "t_min", "kl_per_site", "kl_per_site_vs_data", "r_min", "r_max", "ess_per_sample", "ess_per_sample_measured", "metropolis_acceptance" })
            table.AddRow(key, summary[key] switch
            {
                null => "-",
                JsonValue v when v.TryGetValue(out double x) => Stats.FormatValue(x),
                var v => v.ToString(),
            });
        var console = ModelCommand.Console(o);
        console.Write(table);
        string[] groups = ["exact", "generated_law", "measured", "reweighted", "metropolis"];
        var observables = new Table().AddColumns(["observable", "exact", "generated law", "measured", "reweighted", "chain"]);
        foreach (string name in new[] { "chi", "xi2", "energy" })
            observables.AddRow([name, .. groups.Select(g => summary[g] is JsonObject values && values[name] is { } value
                ? Stats.Format((double)value, (double?)values[name + "_err"]) : "-")]);
        console.Write(observables);
    }
}
