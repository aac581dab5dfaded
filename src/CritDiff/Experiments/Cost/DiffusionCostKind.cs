namespace CritDiff.Experiments;

/// <summary>How a diffusion cost is counted: per ESS (importance weights) or per IMH autocorrelation, with or without training.</summary>
/// <param name="Imh">True: x 2 tau_int(IMH); false: / (ESS/N).</param>
/// <param name="Amortised">True: (T / S_served + g); false: g alone (training-free).</param>
public readonly record struct DiffusionCostKind(bool Imh, bool Amortised)
{
    /// <summary>The four kinds, in report order.</summary>
    public static IReadOnlyList<DiffusionCostKind> All { get; } = [new(false, true), new(false, false), new(true, true), new(true, false)];

    /// <summary>A short key: ess_amortised, ess_training_free, imh_amortised, imh_training_free.</summary>
    public string Key => (Imh ? "imh" : "ess") + (Amortised ? "_amortised" : "_training_free");

    /// <summary>Words for tables and legends.</summary>
    public string Describe => (Amortised ? "(T/S + g)" : "g") + (Imh ? " x 2 tau_int(IMH)" : " / (ESS/N)");
}
