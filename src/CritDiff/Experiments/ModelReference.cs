using System.Text.Json.Nodes;
using CritDiff.Fields;

namespace CritDiff.Experiments;

/// <summary>
/// Exact or limiting values to compare a finite-n Monte Carlo run with: phi^4 at lambda = 0 is a Gaussian free field (exact
/// chi, energy, xi2); O(n) spins have the n -> inf model at the same beta as their 1/n limit.
/// </summary>
/// <param name="Kind">What the values are, in words (a table column header).</param>
/// <param name="Susceptibility">chi.</param>
/// <param name="Energy">Energy per bond.</param>
/// <param name="SecondMomentLength">xi2.</param>
public sealed record ModelReference(string Kind, double Susceptibility, double Energy, double SecondMomentLength)
{
    /// <summary>The reference of <paramref name="model"/>, or null when none applies (phi^4 at lambda &gt; 0, spins at beta = 0).</summary>
    public static ModelReference? Of(LatticeModel model)
    {
        switch (model)
        {
            case Phi4Model { GaussianLimit: { } g } p:
                var free = GaussianField.FreeField(p.Lattice, g.MassSquared);
                // The free field has beta = 1; the phi^4 field at lambda = 0 is that field scaled by 1/sqrt(2 kappa).
                double scale = 1 / g.Beta;
                return new ModelReference("exact Gaussian (phi^4 at lambda = 0)", free.Susceptibility * scale, free.Energy * scale,
                    free.SecondMomentCorrelationLength);
            case SpinModel s when s.Beta > 0:
                var limit = GaussianField.AtBeta(s.Lattice, s.Beta);
                return new ModelReference("n -> inf limit at the same beta (differs by O(1/n))", limit.Susceptibility, limit.Energy,
                    limit.SecondMomentCorrelationLength);
            default:
                return null;
        }
    }

    /// <summary>{kind, chi, energy, xi2}, non-finite values as null.</summary>
    public JsonObject ToJson() => new()
    {
        ["kind"] = Kind,
        ["chi"] = JsonNumber.Of(Susceptibility),
        ["energy"] = JsonNumber.Of(Energy),
        ["xi2"] = JsonNumber.Of(SecondMomentLength),
    };
}
