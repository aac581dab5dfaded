using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff reproduce</c>: the README's main command. Until the experiments issue lands it runs a
/// built-in demonstration: exact sampling against exact observables, and population-GD training
/// times against L for one- and two-layer networks (claims C1 and C3) next to theory.
/// </summary>
internal static class ReproduceCommand
{
    private static readonly (string Name, int D, int L, Func<Lattice, GaussianField> Build)[] Models =
    [
        ("d2-xiL0.25-L32", 2, 32, l => GaussianField.AtCorrelationLengthOverSize(l, 0.25)),
        ("d2-xiL0.25-L64", 2, 64, l => GaussianField.AtCorrelationLengthOverSize(l, 0.25)),
        ("d3-critical-L16", 3, 16, GaussianField.AtCriticalPoint),
    ];

    public static Command Create(Func<bool, Output> output)
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer samples and sizes (under a minute)." };
        var folder = new Option<string>("--out")
        {
            Description = "Output folder for summary.json, observables.csv and training.csv.",
            DefaultValueFactory = _ => "out",
        };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var command = new Command("reproduce",
            "Run the built-in demonstration: exact samples vs exact observables for three models (d = 2 at xi/L = 1/4, " +
            "d = 3 at beta_c), and training steps against L for one- and two-layer score networks (VP, t = 0.1, " +
            "population GD) with the theory's prediction. Writes summary.json and CSV tables to --out.");
        command.Options.Add(quick);
        command.Options.Add(folder);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            string dir = CommonOptions.CheckWritableFolder("--out", result.GetValue(folder)!);
            bool isQuick = result.GetValue(quick);
            ulong s = result.GetValue(seed);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var samples = Sampling(o, isQuick ? 200 : 2000, s, out string observablesCsv);
            var training = TrainingTimes(o, isQuick ? [8, 16, 32] : [8, 16, 32, 64], out string trainingCsv);
            File.WriteAllText(Path.Combine(dir, "observables.csv"), observablesCsv);
            File.WriteAllText(Path.Combine(dir, "training.csv"), trainingCsv);
            var summary = new JsonObject
            {
                ["demo"] = true,
                ["quick"] = isQuick,
                ["seed"] = s,
                ["runs"] = samples,
                ["training"] = training,
                ["wall_seconds"] = clock.Elapsed.TotalSeconds,
            };
            File.WriteAllText(Path.Combine(dir, "summary.json"), Output.ToFileJson(summary));
            o.Note($"wrote {dir}/summary.json, observables.csv, training.csv ({clock.Elapsed.TotalSeconds:F1} s)");
            o.WriteJson(summary);
            return 0;
        });
        return command;
    }

    private static JsonArray Sampling(Output o, int n, ulong seed, out string csv)
    {
        var runs = new JsonArray();
        var lines = new StringBuilder("model,d,L,observable,exact,measured,error,z\n");
        var table = new Table().AddColumn("model").AddColumn("observable").AddColumn("exact").AddColumn("measured").AddColumn("z (SE)");
        foreach (var (name, d, l, build) in Models)
        {
            var field = build(new Lattice(d, l));
            var data = new ExactSampler(field).Sample(n, seed);
            var m = FieldMeasurement.Measure(field.Lattice, data, n);
            var run = SampleCommand.Summary(field, n, null, seed, m, 0);
            run.Remove("out");
            run.Remove("wall_seconds");
            run["name"] = name;
            var z = new JsonObject();
            foreach (var (key, exact, stats) in new[]
            {
                ("chi", field.Susceptibility, m.Susceptibility), ("xi2", field.SecondMomentCorrelationLength, m.SecondMomentLength),
                ("energy", field.Energy, m.Energy), ("G0", field.LocalVariance, m.LocalVariance),
            })
            {
                double score = stats.StandardScore(exact);
                z[key] = Output.Number(score);
                lines.Append(CultureInfo.InvariantCulture, $"{name},{d},{l},{key},{exact:R},{stats.Mean:R},{stats.Error:R},{score:R}\n");
                table.AddRow(name, key, Output.Format(exact), stats.ToString(), Output.Format(score));
            }
            run["z_scores"] = z;
            runs.Add(run);
            o.Note($"sampled {name}: {n} configurations");
        }
        if (!o.Json) ModelCommand.Console(o).Write(table);
        csv = lines.ToString();
        return runs;
    }

    private static JsonArray TrainingTimes(Output o, int[] sizes, out string csv)
    {
        var rows = new JsonArray();
        var lines = new StringBuilder("arch,L,params,steps,predicted_steps,lr\n");
        var table = new Table().AddColumn("arch").AddColumn("L").AddColumn("params").AddColumn("steps").AddColumn("predicted");
        foreach (string arch in new[] { "one-layer", "two-layer" })
            foreach (int l in sizes)
            {
                var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, l), 0.25);
                var architecture = Architecture.Parse(arch);
                var problem = new TrainingProblem(field, new VariancePreserving(), TimeGrid.Single(0.1), architecture);
                var slice = Trainer.Train(problem, new TrainingConfig()).Slices[0];
                long parameters = architecture.ParameterCount(field.Lattice);
                rows.Add(new JsonObject
                {
                    ["arch"] = arch, ["L"] = l, ["params"] = parameters, ["steps"] = slice.Steps,
                    ["predicted_steps"] = slice.PredictedSteps, ["lr"] = slice.LearningRate,
                });
                lines.Append(CultureInfo.InvariantCulture, $"{arch},{l},{parameters},{slice.Steps},{slice.PredictedSteps},{slice.LearningRate:R}\n");
                table.AddRow(arch, l.ToString(CultureInfo.InvariantCulture), parameters.ToString(CultureInfo.InvariantCulture),
                    slice.Steps.ToString(CultureInfo.InvariantCulture), slice.PredictedSteps?.ToString(CultureInfo.InvariantCulture) ?? "-");
                o.Note($"trained {arch} L={l}: {slice.Steps} steps");
            }
        if (!o.Json) ModelCommand.Console(o).Write(table);
        csv = lines.ToString();
        return rows;
    }
}
