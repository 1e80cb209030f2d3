import { describe, expect, it } from 'vitest';
import { roundNumbers, sanitizeSvg } from './sanitize-svg.ts';

describe('sanitizeSvg', () => {
  it('renames ids in order and follows url() and href references', () => {
    const svg =
      '<svg><g clip-path="url(#clip9)"><use href="#clip9"/></g><defs><clipPath id="clip9"><rect/></clipPath>' +
      '<linearGradient id="gradient_3"/></defs><rect fill="url(#gradient_3)"/></svg>';
    expect(sanitizeSvg(svg, 'chart-2')).toBe(
      '<svg><g clip-path="url(#chart-2-1)"></g><defs><clipPath id="chart-2-1"><rect/></clipPath>' +
        '<linearGradient id="chart-2-2"/></defs><rect fill="url(#chart-2-2)"/></svg>',
    );
  });

  it('removes links, images, scripts, foreign objects and event handlers', () => {
    const svg =
      '<svg><a xlink:href="https://evil.example"><path d="M0,0"/></a>' +
      '<image xlink:href="http://evil.example/i.png" width="1"/>' +
      '<script>alert(1)</script><foreignObject><div>x</div></foreignObject>' +
      '<g onclick="alert(1)" href="javascript:alert(1)"><text>ok</text></g></svg>';
    expect(sanitizeSvg(svg, 'c')).toBe('<svg><path d="M0,0"/><g><text>ok</text></g></svg>');
  });

  it('leaves text content untouched, even when it looks like markup attributes', () => {
    const svg = '<svg><text x="1.23456">id="x" onload="y" href="http://z" 0.123456</text></svg>';
    expect(sanitizeSvg(svg, 'c')).toBe(
      '<svg><text x="1.23">id="x" onload="y" href="http://z" 0.123456</text></svg>',
    );
  });

  it('drops nested elements of a removed element completely', () => {
    expect(sanitizeSvg('<svg><foreignObject><foreignObject/><p>x</p></foreignObject><g/></svg>', 'c')).toBe(
      '<svg><g/></svg>',
    );
  });
});

describe('roundNumbers', () => {
  it('rounds decimals and never prints -0', () => {
    expect(roundNumbers('M0.5,50.00000000000001h-0.001 translate(10.556,3)')).toBe(
      'M0.5,50h0 translate(10.56,3)',
    );
  });
});
