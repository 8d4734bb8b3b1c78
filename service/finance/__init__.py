"""Money of the dispositif: the CERFA account chart, the expenses ledger, forecasts and gaps."""
