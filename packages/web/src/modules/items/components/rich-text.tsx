import { parseRichText, type TRichInline } from '@qiming/shared';
import katex from 'katex';
import 'katex/dist/katex.min.css';
import type { ReactNode } from 'react';

/** KaTeX renders the formula; it escapes its input and runs no commands that reach outside. */
function Math({ tex, display }: { tex: string; display: boolean }) {
  const html = katex.renderToString(tex, { displayMode: display, throwOnError: false, output: 'html' });
  return <span dangerouslySetInnerHTML={{ __html: html }} />;
}

function Inline({ node, blank }: { node: TRichInline; blank: (n: number) => ReactNode }): ReactNode {
  switch (node.t) {
    case 'text':
      return node.v;
    case 'math':
      return <Math tex={node.v} display={node.display} />;
    case 'img':
      return <img src={node.src} alt={node.alt} style={{ maxWidth: '100%' }} />;
    case 'b':
      return (
        <strong>
          {node.children.map((c, i) => (
            <Inline key={i} node={c} blank={blank} />
          ))}
        </strong>
      );
    case 'i':
      return (
        <em>
          {node.children.map((c, i) => (
            <Inline key={i} node={c} blank={blank} />
          ))}
        </em>
      );
    case 'u':
      return (
        <u>
          {node.children.map((c, i) => (
            <Inline key={i} node={c} blank={blank} />
          ))}
        </u>
      );
    case 'blank':
      return blank(node.n);
    case 'br':
      return <br />;
  }
}

/**
 * Item text (stems, options) in the safe formatted-text subset, with formulas typeset. `inline`
 * keeps it in the line (option labels, table cells): paragraphs become line breaks.
 */
export function RichText({ text, blank, inline }: { text: string; blank?: (n: number) => ReactNode; inline?: boolean }) {
  const b = blank ?? ((n: number) => <span className="qm-blank">（{n}）＿＿＿</span>);
  const blocks = parseRichText(text);
  if (inline)
    return (
      <span>
        {blocks.map((block, i) => (
          <span key={i}>
            {i > 0 && <br />}
            {block.map((node, j) => (
              <Inline key={j} node={node} blank={b} />
            ))}
          </span>
        ))}
      </span>
    );
  return (
    <>
      {blocks.map((block, i) => (
        <p key={i} style={{ margin: '0 0 8px' }}>
          {block.map((node, j) => (
            <Inline key={j} node={node} blank={b} />
          ))}
        </p>
      ))}
    </>
  );
}
