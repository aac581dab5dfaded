using System.Net;
using System.Text;

namespace CritDiff.Reporting;

/// <summary>
/// A report as a list of blocks (headings, paragraphs, tables, figures), written both as Markdown (figures
/// linked by file name) and as a single self-contained HTML file (figures embedded as base64 PNG).
/// </summary>
public sealed class ReportDocument(string title)
{
    private abstract record Block;
    private sealed record Heading(int Level, string Text) : Block;
    private sealed record Paragraph(string Text) : Block;
    private sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;
    private sealed record Image(string Caption, string File) : Block;
    private sealed record VerdictBlock(IReadOnlyList<ClaimVerdict> Claims) : Block;

    private readonly List<Block> _blocks = [];

    /// <summary>Adds a section heading (level 2 or 3).</summary>
    public ReportDocument Section(string text, int level = 2)
    {
        _blocks.Add(new Heading(level, text));
        return this;
    }

    /// <summary>Adds a paragraph of plain text (Markdown emphasis with ** is kept in both outputs).</summary>
    public ReportDocument Text(string text)
    {
        _blocks.Add(new Paragraph(text));
        return this;
    }

    /// <summary>Adds a table.</summary>
    public ReportDocument Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _blocks.Add(new TableBlock(header, rows.ToArray()));
        return this;
    }

    /// <summary>
    /// Puts a summary table of <paramref name="claims"/> at the top of the report, before every other block:
    /// claim, verdict (coloured in HTML: reproduced green, not reproduced red, not measured grey; a coloured dot
    /// in Markdown), statement, and whether the sizes measured suffice (<see cref="ClaimVerdict.Caveat"/>).
    /// </summary>
    public ReportDocument Verdicts(IReadOnlyList<ClaimVerdict> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        _blocks.RemoveAll(b => b is VerdictBlock);
        _blocks.Insert(0, new VerdictBlock(claims.ToArray()));
        return this;
    }

    /// <summary>Header of the verdict summary table.</summary>
    public static readonly IReadOnlyList<string> VerdictHeader = ["claim", "verdict", "statement", "trusted at these sizes?"];

    private static string Trust(ClaimVerdict c) =>
        c.Reproduced is null ? "-" : c.Caveat is null ? "yes" : $"no: {c.Caveat}; needs >= {Reporting.Claims.TrustedSizeCount} sizes over a factor {Reporting.Claims.TrustedSizeRatio} in L";

    private static string Dot(ClaimVerdict c) => c.Reproduced switch { true => "\U0001F7E2", false => "\U0001F534", null => "\u26AA" };

    private static string Colour(ClaimVerdict c) => c.Reproduced switch { true => "#c8ecd0", false => "#f6c9cd", null => "#e2e3e5" };

    /// <summary>Adds a figure by its PNG path relative to the report's folder.</summary>
    public ReportDocument Figure(string caption, string file)
    {
        _blocks.Add(new Image(caption, file));
        return this;
    }

    /// <summary>The Markdown text.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder($"# {title}\n\n");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case Heading h:
                    md.Append(new string('#', h.Level)).Append(' ').Append(h.Text).Append("\n\n");
                    break;
                case Paragraph p:
                    md.Append(p.Text).Append("\n\n");
                    break;
                case TableBlock t:
                    md.Append("| ").Append(string.Join(" | ", t.Header)).Append(" |\n");
                    md.Append('|').Append(string.Concat(t.Header.Select(_ => " --- |"))).Append('\n');
                    foreach (var row in t.Rows) md.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
                    md.Append('\n');
                    break;
                case VerdictBlock v:
                    md.Append("## Verdicts\n\n| ").Append(string.Join(" | ", VerdictHeader)).Append(" |\n|").Append(string.Concat(VerdictHeader.Select(_ => " --- |"))).Append('\n');
                    foreach (var c in v.Claims) md.Append($"| {c.Id} | {Dot(c)} {c.Verdict} | {c.Statement} | {Trust(c)} |\n");
                    md.Append('\n');
                    break;
                case Image i:
                    md.Append($"![{i.Caption}]({i.File})\n\n*{i.Caption}* ([SVG]({Path.ChangeExtension(i.File, ".svg")}))\n\n");
                    break;
            }
        }
        return md.ToString();
    }

    /// <summary>A self-contained HTML page; figures are read from <paramref name="folder"/> and embedded.</summary>
    public string ToHtml(string folder)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n");
        html.Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;line-height:1.45}" +
                    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}" +
                    "th{background:#eee}table.verdicts td{text-align:left}figure{margin:1.5em 0}img{max-width:100%}figcaption{font-style:italic}</style></head><body>\n");
        html.Append("<h1>").Append(E(title)).Append("</h1>\n");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case Heading h:
                    html.Append($"<h{h.Level}>").Append(E(h.Text)).Append($"</h{h.Level}>\n");
                    break;
                case Paragraph p:
                    html.Append("<p>").Append(Bold(E(p.Text))).Append("</p>\n");
                    break;
                case TableBlock t:
                    html.Append("<table><tr>").Append(string.Concat(t.Header.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>\n");
                    foreach (var row in t.Rows) html.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{E(c)}</td>"))).Append("</tr>\n");
                    html.Append("</table>\n");
                    break;
                case VerdictBlock v:
                    html.Append("<h2>Verdicts</h2>\n<table class=\"verdicts\"><tr>").Append(string.Concat(VerdictHeader.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>\n");
                    foreach (var c in v.Claims)
                        html.Append($"<tr style=\"background:{Colour(c)}\"><td>{E(c.Id)}</td><td><strong>{E(c.Verdict)}</strong></td><td>{E(c.Statement)}</td><td>{E(Trust(c))}</td></tr>\n");
                    html.Append("</table>\n");
                    break;
                case Image i:
                    string path = Path.Combine(folder, i.File);
                    string src = File.Exists(path) ? "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(path)) : i.File;
                    html.Append($"<figure><img src=\"{src}\" alt=\"{E(i.Caption)}\"><figcaption>{E(i.Caption)}</figcaption></figure>\n");
                    break;
            }
        }
        return html.Append("</body></html>\n").ToString();
    }

    /// <summary>Writes <c>report.md</c> and <c>report.html</c> into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        Persistence.Checkpoint.WriteAtomic(Path.Combine(folder, "report.md"), ToMarkdown());
        Persistence.Checkpoint.WriteAtomic(Path.Combine(folder, "report.html"), ToHtml(folder));
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Bold(string text)
    {
        var parts = text.Split("**");
        var sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.Length; i++) sb.Append(i % 2 == 1 ? "<strong>" : "</strong>").Append(parts[i]);
        return sb.ToString();
    }
}
