using System.Globalization;
using System.Text;
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

    /// <summary>The chain comparison, for the help texts of mcmc and ensemble.</summary>
    public const string ChainCheck =
        "The chains are compared (JSON chains_agree, chain_agreement): per chain the mean of |M|, the energy and (information " +
        "only: it legitimately differs between chains in a broken phase) the signed M, with errors from the chain's own tau_int; " +
        "they disagree when split-R-hat > 1.1 or two chain means of |M| or the energy differ by more than z* standard errors " +
        "(Bonferroni at a family-wise 0.1%: z* = 3.93 for 4 chains). Disagreeing chains (e.g. one frozen in a domain wall) give a " +
        "warning and a per-chain table; the pooled numbers are then not to be trusted.";

    /// <summary>
    /// One line on the chain comparison, and when the chains disagree a table of each chain's means (strict observables and
    /// the signed magnetisation).
    /// </summary>
    public static void PrintChains(Output o, ChainAgreement? agreement)
    {
        if (agreement is null) return;
        var console = ModelCommand.Console(o);
        console.WriteLine(agreement.Summary());
        if (agreement.Agree) return;
        var table = new Table().AddColumn("chain");
        foreach (var observable in agreement.Observables)
            table.AddColumn(Markup.Escape(observable.Label + (observable.Strict ? "" : " (info)")));
        for (int c = 0; c < agreement.ChainCount; c++)
            table.AddRow([c.ToString(CultureInfo.InvariantCulture), .. agreement.Observables.Select(x => x.Chains[c].ToString())]);
        table.AddRow(["split R-hat", .. agreement.Observables.Select(x => Output.Format(x.RHat))]);
        console.Write(table);
    }

    /// <summary>A table of the observables, the warnings on stderr.</summary>
    public static void Print(Output o, ModelMcmcResult r)
    {
        var console = ModelCommand.Console(o);
        console.WriteLine($"{r.Algorithm} on {r.Model.Describe()}: acceptance {Output.Format(r.Acceptance)}, step {Output.Format(r.StepSize)}");
        console.WriteLine($"tau_int(|M|^2) = {r.TauMagnetisationSquared}, tau_int(e) = {r.TauEnergy} sweeps; errors from {r.BlockCount} blocks of {r.BlockLength} sweeps");
        var reference = ModelReference.Of(r.Model);
        var table = new Table().AddColumn("observable").AddColumn("measured").AddColumn(reference is null ? "reference" : Markup.Escape(reference.Kind));
        string Ref(Func<ModelReference, double> value) => reference is null || !double.IsFinite(value(reference)) ? "" : Output.Format(value(reference));
        var e = r.Estimates;
        table.AddRow("<|M|>", e.Magnetisation.ToString(), "");
        table.AddRow("chi", e.Susceptibility.ToString(), Ref(x => x.Susceptibility));
        table.AddRow("Binder U", e.Binder.ToString(), "");
        table.AddRow("xi2", e.SecondMomentLength.ToString(), Ref(x => x.SecondMomentLength));
        table.AddRow("energy per bond", e.Energy.ToString(), Ref(x => x.Energy));
        console.Write(table);
        PrintChains(o, r.ChainAgreement);
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
