"""What users see of analyses: a Rich report and Markdown (`analysis`), and
events as CSV rows (`events_csv`). Pure renderers: they import only the model,
errors, config and text helpers, so the CLI and, later, the web app share them."""
