/** Spellings of a path that decoders, proxies and lenient servers may read as the same path. */
const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`

export function spellingsOf(path: string): string[] {
  const [first = '', ...others] = path.slice(1).split('/')
  const rest = others.length > 0 ? `/${others.join('/')}` : ''
  const second = others[0]
  const out = [
    `/${hex(first)}${first.slice(1)}${rest}`,
    `/${[...first].map(hex).join('')}${rest}`,
    `/%25${hex(first).slice(1)}${first.slice(1)}${rest}`,
    `/${first.toUpperCase()}${rest}`,
    `/${first[0]?.toUpperCase()}${first.slice(1)}${rest}`,
    `/${path}`,
    `/.${path}`,
    `/x/..${path}`,
    `/${first};${rest || ''}`,
    `${path}/`,
    `${path};x`,
  ]
  if (second !== undefined) {
    out.push(
      `/${first}/${hex(second)}${second.slice(1)}${rest.slice(second.length + 1)}`,
      `/${first}%2F${rest.slice(1)}`,
      `/${first}%2f${rest.slice(1).replaceAll('/', '%2f')}`,
      `/${first}/.${rest}`,
      `/${first}/${rest}`,
      `/${first}/x/..${rest}`,
    )
  }
  return [...new Set(out)].filter((s) => s !== path)
}
