using System.CommandLine;
using System.Diagnostics;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Persistence;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary><c>critdiff sample</c>: exact samples to a .npy file, with measured observables.</summary>
internal static class SampleCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var count = new Option<int>("--n") { Description = "Number of configurations N >= 1.", Required = true };
        var file = new Option<string>("--out")
        {
            Description = "Output .npy file: float64, C order, shape [N, L, ..., L]; opens with numpy.load.",
            Required = true,
        };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("sample",
            "Draw N exact configurations of the field (FFT sampler, O(V log V) each), write them as .npy and compare " +
            "the measured chi, xi2, energy and G(0) (with standard errors) with the exact values.");
        model.AddTo(command);
        command.Options.Add(count);
        command.Options.Add(file);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.Options.Add(threads);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            // Limits are checked on the lattice before the field is built: solving the gap equation on an oversized
            // lattice took seconds (and its memory) before the refusal.
            int d = result.GetValue(model.Dimension);
            var lattice = ModelOptions.CreateLattice(d, result.GetValue(model.Length));
            var family = model.BuildFamily(result, d);
            int n = result.GetValue(count);
            if (n < 1) throw new UsageException($"--n must be >= 1 (got {n})");
            if ((double)n * lattice.SiteCount > Array.MaxLength)
                throw new UsageException($"--n: N x V = {(double)n * lattice.SiteCount:G3} values do not fit in one array (max {Array.MaxLength})");
            // The N configurations plus the sampler's complex FFT buffers (about four copies of V doubles).
            Limits.Memory(n > 1 ? "--n" : "--L", 8.0 * lattice.SiteCount * (n + 4.0), $"N = {n} configurations on V = {lattice.SiteCount} sites");
            var field = family(lattice);
            string path = CommonOptions.CheckWritableFile("--out", result.GetValue(file)!);
            int workers = CommonOptions.CheckThreads(result.GetValue(threads));
            ulong s = result.GetValue(seed);

            var clock = Stopwatch.StartNew();
            o.Note($"sampling {n} configurations on {field.Lattice} ...");
            var data = new double[(long)n * field.Lattice.SiteCount];
            new ExactSampler(field).Sample(data, n, s, 0, workers);
            NpyFile.Write(path, data, [n, .. field.Lattice.Shape]);
            var measured = n >= 2 ? FieldMeasurement.Measure(field.Lattice, data, n) : null;
            double wall = clock.Elapsed.TotalSeconds;

            if (o.Json) o.WriteJson(TargetSummary.Samples(field, n, path, s, measured, wall));
            else PrintTable(o, field, measured, path, wall);
            return 0;
        });
        return command;
    }

    private static void PrintTable(Output o, GaussianField field, FieldMeasurement? m, string path, double wall)
    {
        var table = new Table().AddColumn("observable").AddColumn("exact").AddColumn("measured").AddColumn("z (SE)");
        void Row(string name, double exact, CritDiff.Statistics.Stats? s) => table.AddRow(name, Output.Format(exact),
            s is { } v ? v.ToString() : "n/a (N = 1)", s is { } w ? Output.Format(w.StandardScore(exact)) : "");
        Row("chi", field.Susceptibility, m?.Susceptibility);
        Row("xi2", field.SecondMomentCorrelationLength, m?.SecondMomentLength);
        Row("energy", field.Energy, m?.Energy);
        Row("G0", field.LocalVariance, m?.LocalVariance);
        var console = ModelCommand.Console(o);
        console.Write(table);
        console.WriteLine($"wrote {path} ({wall:F2} s)");
    }
}
