using CritDiff.Reporting;

namespace CritDiff.Tests; // not CritDiff.Tests.Reporting: that would hide CritDiff.Reporting in other test files

public class VerdictSummaryTests
{
    private static readonly ClaimVerdict[] Claims3 =
    [
        new("C1", "one-layer needs L^2", "e", "c", true),
        new("C2", "KL grows", "e", "c", false) { Caveat = Claims.SizeCaveat("d = 2", [8, 16, 32]) },
        new("C3", "two-layer log L", "e", "c", null),
    ];

    [Fact]
    public void VerdictTableComesFirstAndIsColouredByVerdict()
    {
        var report = new ReportDocument("title").Section("later").Text("body");
        report.Verdicts(Claims3);
        string html = report.ToHtml(Path.GetTempPath());
        int table = html.IndexOf("<table class=\"verdicts\">", StringComparison.Ordinal);
        Assert.True(table > 0 && table < html.IndexOf("<h2>later</h2>", StringComparison.Ordinal));
        Assert.Contains("background:#c8ecd0\"><td>C1</td>", html, StringComparison.Ordinal);
        Assert.Contains("background:#f6c9cd\"><td>C2</td>", html, StringComparison.Ordinal);
        Assert.Contains("background:#e2e3e5\"><td>C3</td>", html, StringComparison.Ordinal);
        string md = report.ToMarkdown();
        Assert.True(md.IndexOf("## Verdicts", StringComparison.Ordinal) < md.IndexOf("## later", StringComparison.Ordinal));
        Assert.Contains("| C1 | \U0001F7E2 reproduced | one-layer needs L^2 | yes |", md, StringComparison.Ordinal);
        Assert.Contains("| C2 | \U0001F534 not reproduced | KL grows | no: d = 2: L = 8, 16, 32 (fewer than 4 sizes)", md, StringComparison.Ordinal);
    }

    [Fact]
    public void SizeCaveatNamesFewOrNarrowSizes()
    {
        Assert.Null(Claims.SizeCaveat("x", [8, 16, 32, 64]));
        Assert.Null(Claims.SizeCaveat("x", [4, 8, 12, 16]));
        Assert.Equal("x: L = 8, 16, 32 (fewer than 4 sizes)", Claims.SizeCaveat("x", [32, 8, 16, 16]));
        Assert.Equal("x: L = 8, 10, 12, 14 (less than a factor 4 in L)", Claims.SizeCaveat("x", [8, 10, 12, 14]));
        Assert.Equal("x: L = 4, 6, 8 (fewer than 4 sizes, over less than a factor 4 in L)", Claims.SizeCaveat("x", [4, 6, 8]));
        Assert.Null(Claims.JoinCaveats([null, null]));
    }
}
