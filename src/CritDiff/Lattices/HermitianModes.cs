namespace CritDiff.Lattices;

/// <summary>
/// The modes of a real field's spectrum split into independent parts: pairs (k, -k) with k &lt; -k,
/// whose values are complex and conjugate to each other, and self-conjugate modes k = -k (every
/// k_mu in {0, pi}), whose values are real. For fresh Gaussian fields the parts are independent.
/// </summary>
internal sealed class HermitianModes
{
    public HermitianModes(Lattice lattice)
    {
        var pairs = new List<int>();
        var partners = new List<int>();
        var self = new List<int>();
        for (int k = 0; k < lattice.SiteCount; k++)
        {
            int minus = lattice.NegatedMode(k);
            if (minus == k) self.Add(k);
            else if (k < minus)
            {
                pairs.Add(k);
                partners.Add(minus);
            }
        }
        Pairs = pairs.ToArray();
        Partners = partners.ToArray();
        SelfConjugate = self.ToArray();
    }

    /// <summary>Representative k of each pair (k &lt; -k).</summary>
    public int[] Pairs { get; }

    /// <summary>-k for each pair, in the order of <see cref="Pairs"/>.</summary>
    public int[] Partners { get; }

    /// <summary>Modes with k = -k.</summary>
    public int[] SelfConjugate { get; }
}
