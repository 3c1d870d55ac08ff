package store

import "gorm.io/gorm"

// sqliteParamBudget bounds the parameters of one multi-row INSERT on SQLite.
// The SQLite driver binds parameters in time quadratic in their number
// (each one is looked up by a scan of all), so large statements cost more
// per row than small ones there; MySQL statements are interpolated by the
// client and are cheapest large.
const sqliteParamBudget = 1000

// insertBatch returns how many rows one multi-row INSERT of rows with the
// given number of columns carries: mysqlRows on MySQL, fewer on SQLite.
func insertBatch(tx *gorm.DB, columns, mysqlRows int) int {
	if tx.Dialector.Name() == "sqlite" {
		return max(1, min(mysqlRows, sqliteParamBudget/columns))
	}
	return mysqlRows
}
