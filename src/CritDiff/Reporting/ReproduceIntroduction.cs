namespace CritDiff.Reporting;

/// <summary>
/// The opening paragraph of the <c>reproduce</c> report: what is studied (targets, networks, training time) and which
/// claims are judged, grouped by target, from the verdicts themselves so that the list cannot miss one.
/// </summary>
public static class ReproduceIntroduction
{
    /// <summary>The paragraph for a run with these <paramref name="claims"/>; <paramref name="quick"/> adds that it is a --quick run.</summary>
    public static string Text(bool quick, IReadOnlyList<ClaimVerdict> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var groups = new (string Target, Func<string, bool> Holds)[]
        {
            ("Gaussian n -> inf field", id => !IsFiniteN(id) && !IsPhi4(id) && !IsCost(id)),
            ("finite-n O(n) data", IsFiniteN),
            ("phi^4 samples, linear and nonlinear networks", IsPhi4),
            ("cost per independent critical phi^4 configuration, Monte Carlo and diffusion", IsCost),
        };
        string list = string.Join("; ", groups
            .Select(g => (g.Target, Ids: claims.Select(c => c.Id).Where(g.Holds).ToArray()))
            .Where(g => g.Ids.Length > 0)
            .Select(g => $"{g.Target}: {string.Join(", ", g.Ids)}"));
        return "CritDiff asks whether learning a diffusion model's score slows down at a critical point the way Monte Carlo does. Targets: " +
               "the Gaussian O(n -> inf) lattice field (C(k) = 1/(beta (khat2 + mu2)), exact score; docs/science.md sections 2-3), " +
               "critical finite-n O(n) spin ensembles (2D and 3D Ising, 3D Heisenberg; section 10) and critical phi^4 samples in d = 2 (2D Ising class). " +
               "Networks: linear score networks (one-layer, two-layer, local and mixed layer lists), which see Gaussian and O(n) data only through " +
               "their spectrum and are trained on it by population gradient descent (or by minibatch SGD and Adam), and a local nonlinear " +
               "convolutional network trained with linear ones by denoising score matching on the phi^4 samples. The training time is the number of " +
               "optimizer steps until the excess loss over the architecture's own optimum (on phi^4 samples: the validation loss over a reference) " +
               "falls below eps of its initial value, eps as stated in each section. " +
               $"Claims judged ({claims.Count}): {list}. Every verdict is computed from the data of this run by the stated criterion." +
               (quick ? " This is a --quick run: fewer sizes and seeds." : "");
    }

    private static bool IsFiniteN(string id) => id.EndsWith("-finite-n", StringComparison.Ordinal);

    private static bool IsPhi4(string id) => id.StartsWith("NL-", StringComparison.Ordinal) || id.StartsWith("Q-", StringComparison.Ordinal);

    private static bool IsCost(string id) => id.StartsWith("COST-", StringComparison.Ordinal);
}
