import type { ThemeConfig } from 'antd';

/** A calm blue, generous radius and the fonts Chinese systems actually have. */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1f6fd1',
    colorInfo: '#1f6fd1',
    colorLink: '#1f6fd1',
    colorSuccess: '#2f9e6e',
    colorWarning: '#d9861a',
    colorError: '#d64545',
    colorBgLayout: '#f3f6fa',
    borderRadius: 8,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { siderBg: '#ffffff', headerBg: '#ffffff', headerPadding: '0 16px', headerHeight: 56 },
    Menu: { itemBorderRadius: 8, itemSelectedBg: '#e8f1fc' },
    Card: { borderRadiusLG: 12 },
  },
};
