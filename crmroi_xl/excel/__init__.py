"""The workbook: one description (layout, sheets, headline records) read by its writers.

* :mod:`~crmroi_xl.excel.layout` -- where everything is (the only cell addresses);
* :mod:`~crmroi_xl.excel.sheets` -- what each sheet holds, one module a sheet;
* :mod:`~crmroi_xl.excel.workbook` -- openpyxl builds it (template, reference export);
* :mod:`~crmroi_xl.excel.fast` -- the fast exporter (a skeleton per kind of workbook);
* :mod:`~crmroi_xl.excel.package` -- the xlsx package, cached values, fixed times;
* :mod:`~crmroi_xl.excel.charts`, :mod:`~crmroi_xl.excel.styles`,
  :mod:`~crmroi_xl.excel.measure`, :mod:`~crmroi_xl.excel.cosmetics` -- looks.

Importing this package imports nothing: openpyxl loads with the modules that
write a workbook.
"""

__all__: list[str] = []
