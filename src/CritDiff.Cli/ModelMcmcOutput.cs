using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>JSON, table and file output of Monte Carlo runs on finite-n targets (<see cref="ModelMcmcResult"/>).</summary>
internal static class ModelMcmcOutput
{
    /// <summary>The normalisations of the printed observables, for the help texts of the commands that print them.</summary>
    public const string Conventions =
        "Conventions (finite n): O(n) spins have |s|^2 = n, so |M| (abs_M, magnetisation) = |(1/V) sum_x s_x| is sqrt(n) times the " +
        "unit-spin |m|, and M2 = <|M|^2> likewise n times; chi = V <|M|^2> / n is per component (= V <|m|^2> for unit spins, " +
        "= C(0) at n -> inf); for phi^4, |M| is that of the field phi and chi is again divided by n.";

    /// <summary>The run as one JSON object: settings, tau_int, observables with errors, references, histogram, validity.</summary>
    public static JsonObject Summary(ModelMcmcResult r)
    {
        var e = r.Estimates;
        var observables = new JsonObject();
        foreach (var (name, value) in new[]
        {
            ("abs_M", e.Magnetisation), ("M2", e.MagnetisationSquared), ("chi", e.Susceptibility), ("binder", e.Binder),
            ("xi2", e.SecondMomentLength), ("energy", e.Energy), ("G_k1", e.FirstModePower),
        })
        {
            observables[name] = Output.Number(value.Mean);
            observables[name + "_err"] = Output.Number(value.Error);
        }
        var o = new JsonObject
        {
            ["algo"] = r.Algorithm,
            ["model"] = TargetOptions.Describe(r.Model),
            ["sweeps"] = r.Settings.Sweeps,
            ["thermalize"] = r.Settings.Thermalization,
            ["chains"] = r.Settings.Chains,
            ["seed"] = r.Settings.Seed,
            ["step_size"] = Output.Number(r.StepSize),
            ["acceptance"] = Output.Number(r.Acceptance),
            ["tau_M2"] = Output.Number(r.TauMagnetisationSquared.Mean),
            ["tau_M2_err"] = Output.Number(r.TauMagnetisationSquared.Error),
            ["tau_energy"] = Output.Number(r.TauEnergy.Mean),
            ["tau_energy_err"] = Output.Number(r.TauEnergy.Error),
            ["block_sweeps"] = r.BlockLength,
            ["blocks"] = r.BlockCount,
            ["observables"] = observables,
            ["reference"] = Reference(r.Model),
            ["histogram"] = new JsonObject
            {
                ["of"] = r.Model.Components == 1 ? "M" : "|M|",
                ["lower"] = r.Histogram.Layout.Lower,
                ["upper"] = r.Histogram.Layout.Upper,
                ["bins"] = r.Histogram.Layout.Bins,
                ["counts"] = new JsonArray(r.Histogram.Counts.Select(c => (JsonNode?)c).ToArray()),
                ["underflow"] = r.Histogram.Underflow,
                ["overflow"] = r.Histogram.Overflow,
            },
            ["site_updates"] = r.SiteUpdates,
            ["site_updates_per_second"] = Output.Number(r.SiteUpdatesPerSecond),
            ["ess_per_second"] = Output.Number(r.EffectiveSamplesPerSecond),
            ["valid"] = r.IsValid,
            ["warnings"] = new JsonArray(r.Warnings.Select(w => (JsonNode?)w).ToArray()),
            ["wall_seconds"] = r.WallSeconds,
        };
        return o;
    }

    /// <summary>
    /// Exact or limiting values to compare with: phi^4 at lambda = 0 is a Gaussian free field (exact chi, energy, xi2);
    /// O(n) spins have the n -> inf model at the same beta as their 1/n limit (d >= 3 or any beta with a gap-equation
    /// solution); null when none applies.
    /// </summary>
    public static JsonObject? Reference(LatticeModel model)
    {
        switch (model)
        {
            case Phi4Model { GaussianLimit: { } g } p:
                var free = GaussianField.FreeField(p.Lattice, g.MassSquared);
                // The free field has beta = 1; the phi^4 field at lambda = 0 is that field scaled by 1/sqrt(2 kappa).
                double scale = 1 / g.Beta;
                return new JsonObject
                {
                    ["kind"] = "exact Gaussian (phi^4 at lambda = 0)",
                    ["chi"] = Output.Number(free.Susceptibility * scale),
                    ["energy"] = Output.Number(free.Energy * scale),
                    ["xi2"] = Output.Number(free.SecondMomentCorrelationLength),
                };
            case SpinModel s when s.Beta > 0:
                var limit = GaussianField.AtBeta(s.Lattice, s.Beta);
                return new JsonObject
                {
                    ["kind"] = "n -> inf limit at the same beta (differs by O(1/n))",
                    ["chi"] = Output.Number(limit.Susceptibility),
                    ["energy"] = Output.Number(limit.Energy),
                    ["xi2"] = Output.Number(limit.SecondMomentCorrelationLength),
                };
            default:
                return null;
        }
    }

    /// <summary>A table of the observables, the warnings on stderr.</summary>
    public static void Print(Output o, ModelMcmcResult r)
    {
        var console = ModelCommand.Console(o);
        console.WriteLine($"{r.Algorithm} on {r.Model.Describe()}: acceptance {Output.Format(r.Acceptance)}, step {Output.Format(r.StepSize)}");
        console.WriteLine($"tau_int(|M|^2) = {r.TauMagnetisationSquared}, tau_int(e) = {r.TauEnergy} sweeps; errors from {r.BlockCount} blocks of {r.BlockLength} sweeps");
        var reference = Reference(r.Model);
        var table = new Table().AddColumn("observable").AddColumn("measured").AddColumn(reference is null ? "reference" : Markup.Escape(reference["kind"]!.GetValue<string>()));
        string Ref(string key) => reference?[key] is { } v ? Output.Format(v.GetValue<double>()) : "";
        var e = r.Estimates;
        table.AddRow("<|M|>", e.Magnetisation.ToString(), "");
        table.AddRow("chi", e.Susceptibility.ToString(), Ref("chi"));
        table.AddRow("Binder U", e.Binder.ToString(), "");
        table.AddRow("xi2", e.SecondMomentLength.ToString(), Ref("xi2"));
        table.AddRow("energy per bond", e.Energy.ToString(), Ref("energy"));
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.SiteUpdatesPerSecond:G3} site updates/s, {Output.Format(r.EffectiveSamplesPerSecond)} effective samples/s, {r.WallSeconds:F2} s"));
    }

    /// <summary>Writes warnings to stderr.</summary>
    public static void Warn(Output o, IEnumerable<string> warnings)
    {
        foreach (string w in warnings) o.Note("warning: " + w);
    }

    /// <summary>
    /// Writes the spectrum G(k) with its error: .npy (shape [2, L, ..., L]: mean then error) or .csv (mode, k_1..k_d,
    /// khat2, G, error).
    /// </summary>
    public static void WriteSpectrum(string path, LatticeModel model, MeasuredSpectrum spectrum)
    {
        var lattice = model.Lattice;
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var data = spectrum.Mean.Concat(spectrum.Error).ToArray();
            NpyFile.Write(path, data, new[] { 2 }.Concat(lattice.Shape).ToArray());
            return;
        }
        var csv = new StringBuilder("mode," + string.Join(",", Enumerable.Range(1, lattice.Dimension).Select(mu => $"k{mu}")) + ",khat2,G,error\n");
        for (int k = 0; k < lattice.SiteCount; k++)
        {
            csv.Append(k.ToString(CultureInfo.InvariantCulture));
            for (int mu = 0; mu < lattice.Dimension; mu++) csv.Append(CultureInfo.InvariantCulture, $",{lattice.Momentum(k, mu):R}");
            csv.Append(CultureInfo.InvariantCulture, $",{lattice.KHat2(k):R},{spectrum.Mean[k]:R},{spectrum.Error[k]:R}\n");
        }
        Checkpoint.WriteAtomic(path, csv.ToString());
    }
}
