package dev.upkeep.markdown;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MarkdownTest {

  @Nested
  class Text {
    @Test
    void turnsHtmlIntoEntities() {
      assertThat(Markdown.text("<img src=x onerror=alert(1)> & </details>"))
          .isEqualTo("&lt;img src=x onerror=alert\\(1\\)&gt; &amp; &lt;/details&gt;");
    }

    @Test
    void escapesLinkAndImageSyntaxAndBreaksBareUrls() {
      assertThat(Markdown.text("[click](http://evil) ![x](y)"))
          .isEqualTo("\\[click\\]\\(http:&#8203;//evil\\) \\!\\[x\\]\\(y\\)");
    }

    @Test
    void breaksMentionsAndIssueReferencesWithAZeroWidthSpace() {
      assertThat(Markdown.text("@org/team fixes #123 and org/repo#4, not # alone"))
          .isEqualTo("@&#8203;org/team fixes #&#8203;123 and org/repo#&#8203;4, not \\# alone");
    }

    @Test
    void keepsATableCellOneCellAndOneLine() {
      assertThat(Markdown.text("| x |\nnext\r\nline")).isEqualTo("\\| x \\| next  line");
    }

    @Test
    void escapesBackticksEmphasisAndBackslashes() {
      assertThat(Markdown.text("`a` *b* _c_ ~d~ \\"))
          .isEqualTo("\\`a\\` \\*b\\* \\_c\\_ \\~d\\~ \\\\");
    }

    @Test
    void escapesWhatWouldStartAListOrAHeadingLine() {
      assertThat(Markdown.text("- x")).isEqualTo("\\- x");
      assertThat(Markdown.text("12. x")).isEqualTo("12\\. x");
      assertThat(Markdown.text("1.2.3")).isEqualTo("1\\.2.3");
    }

    @Test
    void leavesPlainVersionsAndPathsAlone() {
      assertThat(Markdown.text("clusters/dev/podinfo.yaml 1.2.3-rc.1"))
          .isEqualTo("clusters/dev/podinfo.yaml 1.2.3-rc.1");
    }
  }

  @Nested
  class Code {
    @Test
    void usesAFenceLongerThanAnyBacktickRunInside() {
      assertThat(Markdown.code("a`b``c")).isEqualTo("```a`b``c```");
      assertThat(Markdown.code("`x`")).isEqualTo("`` `x` ``");
    }

    @Test
    void keepsHtmlMentionsAndLinksLiteralInsideTheSpan() {
      assertThat(Markdown.code("<b>@org [x](y)</b>")).isEqualTo("`<b>@org [x](y)</b>`");
    }

    @Test
    void writesNothingForAnEmptyValueAndOneLineForSeveral() {
      assertThat(Markdown.code("")).isEmpty();
      assertThat(Markdown.code("a\nb")).isEqualTo("`a b`");
    }

    @Test
    void fallsBackToEscapedTextInATableCellWhenTheValueHasAPipe() {
      assertThat(Markdown.codeCell("1.2.3")).isEqualTo("`1.2.3`");
      assertThat(Markdown.codeCell("a\\|b")).isEqualTo("a\\\\\\|b");
    }
  }

  @Nested
  class Blocks {
    @Test
    void fencesABlockSoThatNothingInsideClosesIt() {
      assertThat(Markdown.codeBlock("yaml", "- x\n````\n</details>\n"))
          .isEqualTo("`````yaml\n- x\n````\n</details>\n`````\n");
    }

    @Test
    void fencesWithThreeBackticksAtLeastAndEndsTheContentWithALineBreak() {
      assertThat(Markdown.codeBlock("diff", "+a")).isEqualTo("```diff\n+a\n```\n");
      assertThat(Markdown.codeBlock("a b<c>", "x\n")).isEqualTo("```abc\nx\n```\n");
    }

    @Test
    void writesTextInsideRawHtmlAsEntities() {
      assertThat(Markdown.html("<b>\"@org\" #1\n</summary>"))
          .isEqualTo("&lt;b&gt;&quot;@&#8203;org&quot; #&#8203;1 &lt;/summary&gt;");
      assertThat(Markdown.html("[x](http://evil) `a` | *b*"))
          .isEqualTo("&#91;x&#93;&#40;http:&#8203;//evil&#41; &#96;a&#96; &#124; &#42;b&#42;");
    }
  }
}
