import { SearchOutlined } from '@ant-design/icons';
import { SEARCH_LIMITS } from '@qiming/shared';
import { AutoComplete, Button, Input } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useT } from '../../../lib/i18n.ts';
import { useSuggestions } from '../search.api.ts';
import { Highlighted } from './highlighted.tsx';

/** Where a search result or suggestion opens: the resource centre's detail page (items and courses get theirs later). */
export const resultPath = (kind: string, refId: string) =>
  kind === 'resource' ? `/resources/${refId}` : `/search?q=${encodeURIComponent(refId)}`;

/**
 * The one search box: suggestions as you type (titles, also for pinyin initials such as fs), Enter
 * searches, picking a suggestion opens it.
 */
export function SearchBox({
  initial = '',
  size = 'middle',
  onSearch,
  autoFocus,
}: {
  initial?: string;
  size?: 'middle' | 'large';
  onSearch?: (q: string) => void;
  autoFocus?: boolean;
}) {
  const t = useT();
  const navigate = useNavigate();
  const [value, setValue] = useState(initial);
  useEffect(() => setValue(initial), [initial]);
  const suggestions = useSuggestions(value);
  const search = (q: string) => {
    const text = q.trim();
    if (onSearch) onSearch(text);
    else void navigate(text ? `/search?q=${encodeURIComponent(text)}` : '/search');
  };
  const options = (value.trim() ? (suggestions.data?.suggestions ?? []) : []).map((s) => ({
    value: `${s.kind}:${s.refId}`,
    label: (
      <span data-testid="search-suggestion">
        <Highlighted text={s.highlighted} />
      </span>
    ),
  }));
  return (
    <AutoComplete
      value={value}
      options={options}
      onChange={(v: string) => setValue(v.includes(':') && options.some((o) => o.value === v) ? value : v)}
      onSelect={(v: string) => {
        const [kind, refId] = v.split(':') as [string, string];
        void navigate(resultPath(kind, refId));
      }}
      style={{ width: '100%' }}
      popupMatchSelectWidth
    >
      <Input.Search
        size={size}
        allowClear
        autoFocus={autoFocus}
        maxLength={SEARCH_LIMITS.queryMax}
        placeholder={t('search_placeholder')}
        aria-label={t('search_placeholder')}
        enterButton={<SearchOutlined aria-label={t('search_button')} />}
        onSearch={search}
        data-testid="search-input"
      />
    </AutoComplete>
  );
}

/** The header's search on a phone: an icon that opens the search page (no room for the box). */
export function SearchButton() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Button
      type="text"
      icon={<SearchOutlined />}
      aria-label={t('search_button')}
      data-testid="header-search"
      onClick={() => void navigate('/search')}
    />
  );
}
