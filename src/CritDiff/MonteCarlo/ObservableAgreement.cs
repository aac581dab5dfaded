using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// One observable compared across the chains of a run (<see cref="ChainAgreement"/>).
/// </summary>
/// <param name="Name">Key of the observable: abs_M (|M|), energy (e per bond and component), M (signed, n = 1) or M_a
/// (signed component a = 1..n, n &lt;= <see cref="ChainAgreement.MaxSignedComponents"/>).</param>
/// <param name="Strict">True when the chains must agree on it (|M| and e); false for information only (the signed
/// magnetisation, which legitimately differs between chains that do not tunnel between the sectors of a broken symmetry).</param>
/// <param name="Chains">Per chain, the mean with its error sqrt(2 tau_int var / N), tau_int the chain's own
/// (<see cref="Autocorrelation.Mean"/>).</param>
/// <param name="RHat">Split-R-hat over the chains (<see cref="MonteCarlo.RHat.Split"/>).</param>
/// <param name="MaxZ">Largest |mean_i - mean_j| / sqrt(err_i^2 + err_j^2) over pairs of chains; NaN for one chain.</param>
/// <param name="WorstPair">The two chains of <paramref name="MaxZ"/> (chain indices from 0); null for one chain.</param>
/// <param name="Agrees">R-hat &lt;= <see cref="ChainAgreement.RHatThreshold"/> and MaxZ &lt;= <see cref="ChainAgreement.ZThreshold"/>.</param>
public sealed record ObservableAgreement(string Name, bool Strict, IReadOnlyList<Stats> Chains, double RHat, double MaxZ,
    (int First, int Second)? WorstPair, bool Agrees)
{
    /// <summary>The observable in words, for warnings and tables.</summary>
    public string Label => Name switch
    {
        "abs_M" => "|M|",
        "energy" => "energy",
        _ => Name,
    };
}
