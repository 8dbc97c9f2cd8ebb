// The HTML view of an allocation: the drawing model (pure), the page that
// draws it in a browser, and the whole page as one HTML string.

export {
  buildView,
  type ColumnKind,
  type MarkKind,
  type MoveKind,
  type RowKind,
  type ViewBlock,
  type ViewColumn,
  type ViewMark,
  type ViewModel,
  type ViewMove,
  type ViewOptions,
  type ViewRow,
  type ViewSummary,
} from './model.js';
export { mountView, type MountedView, VIEW_CSS } from './client.js';
export { renderViewHtml } from './html.js';
